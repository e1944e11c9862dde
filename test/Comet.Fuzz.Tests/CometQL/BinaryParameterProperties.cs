using Comet.CometQL.Parsing;
using Comet.CometQL.Prepared;
using Comet.CometQL.Protocol;
using Comet.CometQL.Serialization;
using Comet.Fuzz.Tests.Support;
using Xunit.Abstractions;

namespace Comet.Fuzz.Tests.CometQL;

/// <summary>COM_STMT_EXECUTE's binary parameters become literals spliced into the statement's text.</summary>
public sealed class BinaryParameterProperties(ITestOutputHelper output)
{
    private readonly FuzzRunner _fuzz = new(output);

    private static readonly Gen<CometQLInputs.Parameter[]> ParameterLists =
        Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(CometQLInputs.ValidParameter(), n));

    [Fact]
    public void Valid_parameters_become_literals_that_lex_back_to_one_token_of_the_value() =>
        _fuzz.Run("binary parameters (valid)", ParameterLists, parameters =>
        {
            var r = new PayloadReader(CometQLInputs.EncodeParameters(parameters));
            var literals = BinaryParameters.Read(ref r, new PreparedStatement(1, "", parameters.Length));
            Assert.Equal(0, r.Remaining);
            for (var i = 0; i < parameters.Length; i++)
            {
                var token = SingleToken(literals[i]);
                if (parameters[i].Type == ColumnType.Null)
                {
                    Assert.True(token.Is("null"));
                }
                else if (parameters[i].Text is { } text)
                {
                    Assert.Equal(text, token.Text);
                }
            }
        }, p => string.Join("; ", p.Select(x => $"{x.Type} {Printable.Of(x.Value)} {x.Text}")));

    [Fact]
    public void Mutated_parameters_become_single_token_literals_or_a_malformed_packet()
    {
        var inputs =
            from parameters in ParameterLists
            from bound in Gen.Elements(true, false)
            from body in Mutate.Bytes(Gen.Constant(CometQLInputs.EncodeParameters(parameters, bound)))
            from count in Gen.Frequency((4, Gen.Constant(parameters.Length)), (1, Gen.Choose(0, 9)))
            from previous in Gen.Elements(true, false)
            select (body, count, previous ? parameters.Select(p => (p.Type, p.Unsigned)).ToArray() : null);
        _fuzz.Run("binary parameters (mutated)", inputs, input =>
        {
            var statement = new PreparedStatement(1, "", input.count);
            if (input.Item3 is { Length: > 0 } types && types.Length == input.count)
            {
                statement.ParameterTypes = types;
            }
            string[] literals;
            try
            {
                var r = new PayloadReader(input.body);
                literals = BinaryParameters.Read(ref r, statement);
            }
            catch (MalformedPacketException)
            {
                return;
            }
            Assert.Equal(input.count, literals.Length);
            foreach (var literal in literals)
            {
                // Whatever the bytes, a bound value must stay one value: no parameter may inject SQL.
                SingleToken(literal);
            }
        }, input => $"count {input.count}, {Printable.Of(input.body)}");
    }

    private static Token SingleToken(string literal)
    {
        var tokens = Lexer.Tokenize(literal);
        Assert.True(tokens.Count == 2 && tokens[1].Kind == TokenKind.End && tokens[0].Kind is TokenKind.Number or TokenKind.String or TokenKind.Word,
            $"The literal {Printable.Of(literal)} is not one value: {string.Join(" ", tokens.Select(t => t.Kind))}");
        return tokens[0];
    }
}
