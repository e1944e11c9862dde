using System.Text;

namespace Comet.CometQL.Parsing;

/// <summary>
/// Splits a query into tokens. Keywords are case-insensitive (compared later); strings follow MySQL:
/// '…' or "…", backslash escapes and doubled quotes decoded, so what a driver escaped arrives as the
/// backend wrote it. Comments (<c>/* */</c>, <c>-- </c>, <c>#</c>) are skipped.
/// </summary>
internal static class Lexer
{
    public static List<Token> Tokenize(string query)
    {
        var tokens = new List<Token>(16);
        var i = 0;
        while (true)
        {
            i = SkipSpaceAndComments(query, i);
            if (i >= query.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", i, i));
                return tokens;
            }
            var start = i;
            var c = query[i];
            if (IsWordStart(c))
            {
                i++;
                while (i < query.Length && IsWordPart(query[i]))
                {
                    i++;
                }
                tokens.Add(new Token(TokenKind.Word, query[start..i], start, i));
            }
            else if (IsDigit(c) || (c == '-' && i + 1 < query.Length && IsDigit(query[i + 1]) && PreviousAllowsSign(tokens)))
            {
                i++;
                while (i < query.Length && IsDigit(query[i]))
                {
                    i++;
                }
                if (i < query.Length && IsWordPart(query[i]))
                {
                    throw new CometQLException(CometQLErrors.SyntaxError);
                }
                tokens.Add(new Token(TokenKind.Number, query[start..i], start, i));
            }
            else if (c is '\'' or '"')
            {
                var text = ReadString(query, ref i);
                tokens.Add(new Token(TokenKind.String, text, start, i));
            }
            else if (c == '`')
            {
                var end = query.IndexOf('`', i + 1);
                if (end < 0)
                {
                    throw new CometQLException(CometQLErrors.SyntaxError);
                }
                tokens.Add(new Token(TokenKind.QuotedIdentifier, query[(i + 1)..end], start, end + 1));
                i = end + 1;
            }
            else if (c == '@')
            {
                i++;
                if (i < query.Length && query[i] == '@')
                {
                    i++;
                }
                var nameStart = i;
                while (i < query.Length && (IsWordPart(query[i]) || query[i] == '.'))
                {
                    i++;
                }
                if (i == nameStart)
                {
                    throw new CometQLException(CometQLErrors.SyntaxError);
                }
                tokens.Add(new Token(TokenKind.Variable, query[start..i], start, i));
            }
            else
            {
                i++;
                var kind = c switch
                {
                    '(' => TokenKind.LeftParenthesis,
                    ')' => TokenKind.RightParenthesis,
                    ',' => TokenKind.Comma,
                    ';' => TokenKind.Semicolon,
                    '*' => TokenKind.Star,
                    '.' => TokenKind.Dot,
                    '?' => TokenKind.Placeholder,
                    '=' or '<' or '>' or '!' => TokenKind.Operator,
                    _ => TokenKind.Other,
                };
                if (kind == TokenKind.Operator && i < query.Length && query[i] is '=' or '>')
                {
                    i++;
                }
                tokens.Add(new Token(kind, query[start..i], start, i));
            }
        }
    }

    /// <summary>Counts the <c>?</c> placeholders outside strings, identifiers and comments.</summary>
    public static int CountPlaceholders(string query)
    {
        var count = 0;
        foreach (var token in Tokenize(query))
        {
            if (token.Kind == TokenKind.Placeholder)
            {
                count++;
            }
        }
        return count;
    }

    private static bool PreviousAllowsSign(List<Token> tokens) =>
        tokens.Count == 0 || tokens[^1].Kind is TokenKind.Operator or TokenKind.Comma or TokenKind.LeftParenthesis
            || tokens[^1].Is("in") || tokens[^1].Is("like") || tokens[^1].Is("limit") || tokens[^1].Is("select");

    private static int SkipSpaceAndComments(string query, int i)
    {
        while (i < query.Length)
        {
            var c = query[i];
            if (char.IsWhiteSpace(c) || c == '\0')
            {
                i++;
            }
            else if (c == '/' && i + 1 < query.Length && query[i + 1] == '*')
            {
                var end = query.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new CometQLException(CometQLErrors.SyntaxError);
                }
                i = end + 2;
            }
            else if (c == '#' || (c == '-' && i + 2 < query.Length && query[i + 1] == '-' && char.IsWhiteSpace(query[i + 2])))
            {
                var end = query.IndexOf('\n', i);
                i = end < 0 ? query.Length : end + 1;
            }
            else
            {
                break;
            }
        }
        return i;
    }

    private static string ReadString(string query, ref int i)
    {
        var quote = query[i++];
        StringBuilder? decoded = null;
        var runStart = i;
        while (i < query.Length)
        {
            var c = query[i];
            if (c == '\\' && i + 1 < query.Length)
            {
                decoded ??= new StringBuilder(query.Length - runStart);
                decoded.Append(query, runStart, i - runStart);
                var next = query[i + 1];
                switch (next)
                {
                    case '0': decoded.Append('\0'); break;
                    case 'b': decoded.Append('\b'); break;
                    case 'n': decoded.Append('\n'); break;
                    case 'r': decoded.Append('\r'); break;
                    case 't': decoded.Append('\t'); break;
                    case 'Z': decoded.Append('\x1A'); break;
                    // MySQL keeps the backslash of \% and \_ (they matter only in LIKE patterns).
                    case '%' or '_': decoded.Append('\\').Append(next); break;
                    default: decoded.Append(next); break;
                }
                i += 2;
                runStart = i;
            }
            else if (c == quote)
            {
                if (i + 1 < query.Length && query[i + 1] == quote)
                {
                    decoded ??= new StringBuilder(query.Length - runStart);
                    decoded.Append(query, runStart, i - runStart).Append(quote);
                    i += 2;
                    runStart = i;
                    continue;
                }
                var text = decoded is null ? query[runStart..i] : decoded.Append(query, runStart, i - runStart).ToString();
                i++;
                return text;
            }
            else
            {
                i++;
            }
        }
        throw new CometQLException(CometQLErrors.SyntaxError);
    }

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    private static bool IsWordStart(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' or '$';

    private static bool IsWordPart(char c) => IsWordStart(c) || IsDigit(c);
}
