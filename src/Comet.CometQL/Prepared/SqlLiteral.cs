using System.Text;

namespace Comet.CometQL.Prepared;

/// <summary>Writes a bound parameter as a literal of the dialect, so the lexer decodes exactly the value bound.</summary>
internal static class SqlLiteral
{
    public const string Null = "NULL";

    /// <summary>A single-quoted string with <c>\</c> and <c>'</c> escaped (the lexer undoes this).</summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        builder.Append('\'');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': builder.Append(@"\\"); break;
                case '\'': builder.Append(@"\'"); break;
                case '\0': builder.Append(@"\0"); break;
                default: builder.Append(c); break;
            }
        }
        return builder.Append('\'').ToString();
    }
}
