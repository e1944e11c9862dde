using System.Reflection;
using Comet.CometQL;
using Comet.CometQL.Parsing;
using Comet.CometQL.Prepared;
using Comet.Fuzz.Tests.Support;
using Xunit.Abstractions;

namespace Comet.Fuzz.Tests.CometQL;

/// <summary>The lexer and parser read every query text a backend sends.</summary>
public sealed class LexerParserProperties(ITestOutputHelper output)
{
    /// <summary>Every error the parser may answer with: the documented ones of <see cref="CometQLErrors"/>.</summary>
    private static readonly HashSet<CometQLError> DocumentedErrors = typeof(CometQLErrors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(CometQLError))
        .Select(f => (CometQLError)f.GetValue(null)!)
        .ToHashSet();

    private readonly FuzzRunner _fuzz = new(output);

    [Fact]
    public void Tokens_cover_the_query_in_order_and_placeholders_are_counted() =>
        _fuzz.Run("lexer", CometQLInputs.Query(), query =>
        {
            List<Token> tokens;
            try
            {
                tokens = Lexer.Tokenize(query);
            }
            catch (CometQLException e)
            {
                Assert.Contains(e.Error, DocumentedErrors);
                return;
            }
            Assert.Equal(TokenKind.End, tokens[^1].Kind);
            var end = 0;
            foreach (var token in tokens)
            {
                Assert.InRange(token.Start, end, query.Length);
                Assert.InRange(token.End, token.Start, query.Length);
                end = token.End;
            }
            Assert.Equal(tokens.Count(t => t.Kind == TokenKind.Placeholder), Lexer.CountPlaceholders(query));
        }, Printable.Of);

    [Fact]
    public void A_query_parses_or_gets_a_documented_error() =>
        _fuzz.Run("parser", CometQLInputs.Query(), query =>
        {
            try
            {
                var statements = Parser.ParseScript(query);
                Assert.InRange(statements.Count, 0, ParserLimits.MaxStatements);
                Assert.All(statements, Assert.NotNull);
            }
            catch (CometQLException e)
            {
                Assert.Contains(e.Error, DocumentedErrors);
            }
        }, Printable.Of);

    [Fact]
    public void Binding_parameters_to_a_prepared_text_keeps_the_rest_of_the_text() =>
        _fuzz.Run("placeholder binder", CometQLInputs.Query(), query =>
        {
            int count;
            try
            {
                count = Lexer.CountPlaceholders(query);
            }
            catch (CometQLException)
            {
                return; // PREPARE refuses it before anything is bound.
            }
            var literals = Enumerable.Range(0, count).Select(i => SqlLiteral.Quote("v'\\" + i)).ToArray();
            var bound = PlaceholderBinder.Bind(query, literals);
            try
            {
                // Every placeholder was replaced by its literal; the literals are escaped, so none adds one.
                Assert.DoesNotContain(Lexer.Tokenize(bound), t => t.Kind == TokenKind.Placeholder);
            }
            catch (CometQLException e)
            {
                Assert.Contains(e.Error, DocumentedErrors);
            }
        }, Printable.Of);

    [Fact]
    public void A_quoted_string_lexes_back_to_exactly_the_value() =>
        _fuzz.Run("string literal round trip", Mutate.RandomText(CometQLInputs.Dictionary), value =>
        {
            var tokens = Lexer.Tokenize(SqlLiteral.Quote(value));
            Assert.Equal(2, tokens.Count);
            Assert.Equal(TokenKind.String, tokens[0].Kind);
            Assert.Equal(value, tokens[0].Text);
        }, Printable.Of);
}
