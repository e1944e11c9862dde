using System.Text;
using Comet.CometQL.Parsing;

namespace Comet.CometQL.Prepared;

/// <summary>Replaces the <c>?</c> placeholders of a prepared statement by the bound literals.</summary>
internal static class PlaceholderBinder
{
    public static string Bind(string sql, string[] literals)
    {
        if (literals.Length == 0)
        {
            return sql;
        }
        var builder = new StringBuilder(sql.Length + (literals.Length * 8));
        var copied = 0;
        var index = 0;
        foreach (var token in Lexer.Tokenize(sql))
        {
            if (token.Kind != TokenKind.Placeholder)
            {
                continue;
            }
            builder.Append(sql, copied, token.Start - copied).Append(literals[index++]);
            copied = token.End;
        }
        return builder.Append(sql, copied, sql.Length - copied).ToString();
    }
}
