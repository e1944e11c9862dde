using Comet.CometQL.Parsing;

namespace Comet.CometQL.Tests.Unit;

public sealed class LexerTests
{
    [Theory]
    [InlineData(@"'a\'b'", "a'b")]
    [InlineData(@"'a''b'", "a'b")]
    [InlineData(@"""a\""b""", "a\"b")]
    [InlineData(@"""a""""b""", "a\"b")]
    [InlineData(@"'\0\b\n\r\t\Z\\'", "\0\b\n\r\t\x1A\\")]
    [InlineData(@"'\%\_'", @"\%\_")]
    [InlineData(@"'\x'", "x")]
    [InlineData(@"'{\""a\"":1}'", "{\"a\":1}")]
    [InlineData("'привет'", "привет")]
    public void String_literals_decode_MySQL_escapes(string literal, string expected)
    {
        var tokens = Lexer.Tokenize(literal);
        Assert.Equal(TokenKind.String, tokens[0].Kind);
        Assert.Equal(expected, tokens[0].Text);
        Assert.Equal(TokenKind.End, tokens[1].Kind);
    }

    [Fact]
    public void What_mysqli_real_escape_string_makes_of_json_decodes_back_to_the_json()
    {
        const string json = "{\"text\":\"it's \\\"quoted\\\"\\nline\",\"n\":1}";
        var escaped = json.Replace("\\", @"\\", StringComparison.Ordinal).Replace("'", @"\'", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);
        var tokens = Lexer.Tokenize("'" + escaped + "'");
        Assert.Equal(json, tokens[0].Text);
    }

    [Fact]
    public void Words_numbers_identifiers_variables_and_punctuation()
    {
        var tokens = Lexer.Tokenize("SELECT `index`, @@session.tx_isolation FROM t WHERE id IN (-1, 2) LIMIT 1;");
        var kinds = tokens.Select(t => t.Kind).ToArray();
        Assert.Equal(
            [
                TokenKind.Word, TokenKind.QuotedIdentifier, TokenKind.Comma, TokenKind.Variable, TokenKind.Word, TokenKind.Word,
                TokenKind.Word, TokenKind.Word, TokenKind.Word, TokenKind.LeftParenthesis, TokenKind.Number, TokenKind.Comma,
                TokenKind.Number, TokenKind.RightParenthesis, TokenKind.Word, TokenKind.Number, TokenKind.Semicolon, TokenKind.End,
            ],
            kinds);
        Assert.Equal("index", tokens[1].Text);
        Assert.Equal("@@session.tx_isolation", tokens[3].Text);
        Assert.Equal("-1", tokens[10].Text);
    }

    [Theory]
    [InlineData("select 'abc")]
    [InlineData("select `abc")]
    [InlineData("select /* never closed")]
    [InlineData("select 12abc")]
    public void Broken_input_is_a_syntax_error(string query)
    {
        var e = Assert.Throws<CometQLException>(() => Lexer.Tokenize(query));
        Assert.Equal(3, e.Error.Code);
        Assert.Equal("Syntax error in query", e.Error.Message);
    }

    [Theory]
    [InlineData("select ?", 1)]
    [InlineData("insert into t values (?, '?', \"?\", `?`, ?) -- ?", 2)]
    [InlineData("select /* ? */ ?, ?", 2)]
    [InlineData("select 1", 0)]
    public void Placeholders_are_counted_outside_strings_identifiers_and_comments(string query, int expected) =>
        Assert.Equal(expected, Lexer.CountPlaceholders(query));

    [Fact]
    public void Random_bytes_never_crash_the_lexer()
    {
        var random = new Random(42);
        for (var i = 0; i < 2000; i++)
        {
            var chars = new char[random.Next(0, 64)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = (char)random.Next(0, 128);
            }
            try
            {
                Parser.ParseScript(new string(chars));
            }
            catch (CometQLException)
            {
            }
        }
    }
}
