using System.Security.Cryptography;
using System.Text;
using Comet.Core.Options;
using Comet.Core.Security;
using Comet.Fuzz.Tests.Support;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.IdentityModel.Tokens;
using Xunit.Abstractions;

namespace Comet.Fuzz.Tests.Security;

/// <summary>A JWT arrives in the connect URL from anyone; only a correctly signed, unexpired one may pass.</summary>
public sealed class JwtProperties(ITestOutputHelper output)
{
    private const string Key = "CometQLPassword";
    private const int DevId = 7;

    private static readonly HashSet<string?> DocumentedErrors =
    [
        "The token is not a JWT.", "Only HS256 tokens are accepted.", "The token signature is invalid.", "The token has no exp claim.",
        "The token has expired.", "The token is malformed.", "The token is invalid.", "The token has no numeric user_id claim.",
    ];

    private static readonly string[] Dictionary = [".", "..", "=", "-", "_", "+", "/", "eyJ", "e30", "AAAA", "%2E"];

    private readonly FuzzRunner _fuzz = new(output);

    private readonly CometJwtValidator _validator = new(
        new DevKeyProvider(Microsoft.Extensions.Options.Options.Create(new CometOptions { Password = Key }), new HostingEnvironment { EnvironmentName = "Production" }),
        TimeProvider.System);

    /// <summary>A token, and whether it is signed with the right secret and carries claims that must pass.</summary>
    private sealed record Token(string Text, bool ShouldPass, long UserId)
    {
        public string SignedPart => Text[..Text.LastIndexOf('.')];
    }

    /// <summary>Headers, and whether the validator accepts them: alg must be exactly HS256; other fields are ignored.</summary>
    private static readonly Gen<(string Json, bool Accepted)> Headers = Gen.Frequency(
        (6, Gen.Constant(("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", true))),
        (1, Gen.Elements(("{\"alg\":\"none\"}", false), ("{\"alg\":\"HS512\"}", false), ("{\"alg\":\"RS256\",\"kid\":\"x\"}", false),
            ("{\"typ\":\"JWT\"}", false), ("{\"alg\":\"hs256\"}", false), ("{\"alg\":[\"HS256\"]}", false), ("[]", false), ("{", false),
            ("null", false), ("{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", true), ("{\"alg\":\"HS256\",\"zip\":\"DEF\"}", true),
            ("{\"alg\":\"HS256\",\"x\":" + new string('[', 200) + new string(']', 200) + "}", false))));

    private static readonly Gen<(string Json, bool Valid, long UserId)> Payloads =
        from userId in Gen.Frequency(
            (4, Gen.Choose(1, int.MaxValue).Select(i => ((string)i.ToString(System.Globalization.CultureInfo.InvariantCulture), true, (long)i))),
            (1, Gen.Elements<(string, bool, long)>(("0", false, 0), ("-1", false, 0), ("\"42\"", true, 42), ("\"-42\"", false, 0), ("1.5", false, 0),
                ("9223372036854775807", true, long.MaxValue), ("9223372036854775808", false, 0), ("1e308", false, 0), ("true", false, 0),
                ("null", false, 0), ("{}", false, 0), ("[1]", false, 0), ("\"\"", false, 0), ("42.0", true, 42))))
        from exp in Gen.Frequency(
            (4, Gen.Constant(("4102444800", true))), // 2100-01-01
            (1, Gen.Elements(("1", false), ("0", false), ("-1", false), ("1e300", false), ("null", false),
                ("253402300800", true), ("9223372036854775807", true), ("4102444800.5", true), ("\"4102444800\"", true), ("[]", false))))
        from missing in Gen.Frequency((8, Gen.Constant(0)), (1, Gen.Constant(1)), (1, Gen.Constant(2)))
        from nbf in Gen.Elements("", ",\"nbf\":1", ",\"nbf\":4102444800", ",\"nbf\":\"x\"")
        let claims = missing switch { 1 => $"\"exp\":{exp.Item1}", 2 => $"\"user_id\":{userId.Item1}", _ => $"\"user_id\":{userId.Item1},\"exp\":{exp.Item1}" }
        select ($"{{{claims}{nbf}}}", missing == 0 && userId.Item2 && exp.Item2 && nbf != ",\"nbf\":4102444800" && nbf != ",\"nbf\":\"x\"", userId.Item3);

    private static readonly Gen<Token> Tokens =
        from header in Headers
        from payload in Payloads
        from secret in Gen.Frequency((6, Gen.Constant(Key + DevId)), (1, Gen.Elements(Key, Key + "70", "", Key + DevId + " ")))
        let signingInput = Base64UrlEncoder.Encode(header.Json) + "." + Base64UrlEncoder.Encode(payload.Json)
        let signature = Base64UrlEncoder.Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(signingInput)))
        select new Token(signingInput + "." + signature,
            header.Accepted && payload.Valid && secret == Key + DevId, payload.UserId);

    [Fact]
    public Task A_generated_token_passes_exactly_when_it_is_signed_and_its_claims_are_valid() =>
        _fuzz.RunAsync("jwt (generated)", Tokens, async token =>
        {
            var result = await _validator.ValidateAsync(DevId, token.Text);
            Assert.True(token.ShouldPass == result.IsValid, $"valid: {result.IsValid}, error: {result.Error}");
            if (result.IsValid)
            {
                Assert.Equal(token.UserId, result.UserId);
            }
            else
            {
                Assert.Contains(result.Error, DocumentedErrors);
            }
        }, t => Printable.Of(t.Text));

    [Fact]
    public Task A_mutated_token_never_throws_and_passes_only_with_its_signed_part_intact()
    {
        var inputs =
            from token in Tokens
            from text in Mutate.Text(Gen.Constant(token.Text), Dictionary)
            select (token, text);
        return _fuzz.RunAsync("jwt (mutated)", inputs, async input =>
        {
            var result = await _validator.ValidateAsync(DevId, input.text);
            if (!result.IsValid)
            {
                Assert.Contains(result.Error, DocumentedErrors);
                return;
            }
            // Only the signature's padding bits may change without effect; header and claims are what was signed.
            Assert.True(input.token.ShouldPass, $"passed with user {result.UserId}, expires {result.Expires}");
            Assert.StartsWith(input.token.SignedPart + ".", input.text, StringComparison.Ordinal);
            Assert.True(result.UserId > 0);
        }, input => Printable.Of(input.text));
    }
}
