using System.Security.Cryptography;
using System.Text;
using Comet.Core.Options;
using Comet.Core.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace Comet.Core.Tests.Security;

public sealed class CometJwtValidatorTests
{
    private const string Key = "CometQLPassword";
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_token_signed_with_key_plus_dev_id_is_valid_and_names_its_user()
    {
        var token = Jwt(new { user_id = 42, exp = Now.AddHours(1).ToUnixTimeSeconds() }, Key + "1");

        var result = await Validator().ValidateAsync(1, token);

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(42, result.UserId);
        Assert.Equal(Now.AddHours(1), result.Expires);
    }

    [Fact]
    public async Task A_string_user_id_of_digits_is_accepted()
    {
        var token = Jwt(new { user_id = "7", exp = Now.AddHours(1).ToUnixTimeSeconds() }, Key + "0");

        var result = await Validator().ValidateAsync(0, token);

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(7, result.UserId);
    }

    [Fact]
    public async Task A_token_for_another_dev_id_is_refused()
    {
        var token = Jwt(new { user_id = 42, exp = Now.AddHours(1).ToUnixTimeSeconds() }, Key + "1");

        var result = await Validator().ValidateAsync(2, token);

        Assert.False(result.IsValid);
        Assert.Equal("The token signature is invalid.", result.Error);
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var token = Jwt(new { user_id = 42, exp = Now.AddSeconds(-1).ToUnixTimeSeconds() }, Key + "1");

        var result = await Validator().ValidateAsync(1, token);

        Assert.False(result.IsValid);
        Assert.Equal("The token has expired.", result.Error);
    }

    [Fact]
    public async Task A_token_without_exp_is_refused()
    {
        var token = Jwt(new { user_id = 42 }, Key + "1");

        var result = await Validator().ValidateAsync(1, token);

        Assert.False(result.IsValid);
        Assert.Equal("The token has no exp claim.", result.Error);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("HS512")]
    [InlineData("RS256")]
    public async Task Only_hs256_is_accepted(string algorithm)
    {
        var token = Jwt(new { user_id = 42, exp = Now.AddHours(1).ToUnixTimeSeconds() }, Key + "1", algorithm);

        var result = await Validator().ValidateAsync(1, token);

        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task An_unsigned_token_with_an_empty_signature_is_refused()
    {
        var token = Jwt(new { user_id = 42, exp = Now.AddHours(1).ToUnixTimeSeconds() }, Key + "1", "none");
        token = token[..(token.LastIndexOf('.') + 1)];

        var result = await Validator().ValidateAsync(1, token);

        Assert.False(result.IsValid);
    }

    [Theory]
    [InlineData("{\"exp\":9999999999}")]
    [InlineData("{\"user_id\":\"abc\",\"exp\":9999999999}")]
    [InlineData("{\"user_id\":-5,\"exp\":9999999999}")]
    [InlineData("{\"user_id\":1.5,\"exp\":9999999999}")]
    public async Task A_missing_or_non_numeric_user_id_is_refused(string payload)
    {
        var token = JwtFromJson(payload, Key + "1");

        var result = await Validator().ValidateAsync(1, token);

        Assert.False(result.IsValid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a token")]
    [InlineData("a.b")]
    [InlineData("a.b.c")]
    [InlineData("eyJ.eyJ.x")]
    public async Task Garbage_is_refused_without_an_exception(string token)
    {
        var result = await Validator().ValidateAsync(1, token);

        Assert.False(result.IsValid);
        Assert.NotNull(result.Error);
    }

    [Fact]
    public async Task Tokens_longer_than_600_characters_are_refused_unread()
    {
        var token = Jwt(new { user_id = 42, exp = Now.AddHours(1).ToUnixTimeSeconds(), pad = new string('x', 700) }, Key + "1");

        var result = await Validator().ValidateAsync(1, token);

        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task A_per_dev_id_key_overrides_the_password()
    {
        var options = new CometOptions { Password = Key };
        options.DevKeys[5] = "other-key";
        var token = Jwt(new { user_id = 3, exp = Now.AddHours(1).ToUnixTimeSeconds() }, "other-key5");

        var result = await Validator(options).ValidateAsync(5, token);

        Assert.True(result.IsValid, result.Error);
    }

    private static CometJwtValidator Validator(CometOptions? options = null)
    {
        var environment = new HostingEnvironment { EnvironmentName = Environments.Production };
        var keys = new DevKeyProvider(Microsoft.Extensions.Options.Options.Create(options ?? new CometOptions { Password = Key }), environment);
        return new CometJwtValidator(keys, new FixedTime(Now));
    }

    private static string Jwt(object payload, string secret, string algorithm = "HS256") =>
        JwtFromJson(System.Text.Json.JsonSerializer.Serialize(payload), secret, algorithm);

    private static string JwtFromJson(string payloadJson, string secret, string algorithm = "HS256")
    {
        var header = Base64Url($"{{\"alg\":\"{algorithm}\",\"typ\":\"JWT\"}}");
        var body = Base64Url(payloadJson);
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(header + "." + body));
        return header + "." + body + "." + Base64Url(signature);
    }

    private static string Base64Url(string text) => Base64Url(Encoding.UTF8.GetBytes(text));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
