using System.Globalization;
using System.Text;

namespace Comet.Fuzz.Tests.Support;

/// <summary>Renders fuzz inputs so they can be pasted into a C# regression test.</summary>
internal static class Printable
{
    /// <summary>A C# string literal body: control characters, quotes and non-ASCII as escapes.</summary>
    public static string Of(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text.Length > 2000 ? text[..2000] : text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append(@"\\"); break;
                case '\n': builder.Append(@"\n"); break;
                case '\r': builder.Append(@"\r"); break;
                case '\t': builder.Append(@"\t"); break;
                case < ' ' or > '~': builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"); break;
                default: builder.Append(c); break;
            }
        }
        builder.Append('"');
        return text.Length > 2000 ? builder.Append(CultureInfo.InvariantCulture, $" (first 2000 of {text.Length} characters)").ToString() : builder.ToString();
    }

    /// <summary>Bytes as hex (Convert.FromHexString reads them back).</summary>
    public static string Of(byte[] bytes) =>
        bytes.Length > 2000 ? Convert.ToHexString(bytes, 0, 2000) + $" (first 2000 of {bytes.Length} bytes)" : Convert.ToHexString(bytes);
}
