using System.Net.WebSockets;
using System.Text.Json;
using Comet.Core.Messages;
using Comet.Testing;
using Comet.Testing.Clients;
using Comet.WebSockets.Tests.Support;
using Microsoft.Extensions.Options;

namespace Comet.WebSockets.Tests;

/// <summary>
/// Token expiry and refresh with real WebSocket clients (docs/websocket.md, "Token expiry and refresh"):
/// the tokenExpiring warning, refresh_token and its refusals, and the 1008 close at exp. Tokens live a
/// few seconds; JWT exp is whole seconds, so timings are checked against the token's own exp.
/// </summary>
public sealed class TokenRefreshTests
{
    private const string Refused = "Token refresh refused. ";

    [Fact]
    public async Task A_token_near_its_exp_is_warned_right_after_serverInfo_and_closed_at_exp_with_the_reason()
    {
        await using var gateway = await TestGateway.StartAsync();
        var token = Jwt.ForUser(81, TimeSpan.FromSeconds(3));

        await using var client = await ConnectAsync(gateway, token, 81);
        var warning = await client.ReceiveAsync();

        Assert.Equal("tokenExpiring", warning.GetProperty("event").GetString());
        Assert.Equal("sys", warning.GetProperty("pipe").GetString());
        var exp = ExpOf(token);
        Assert.Equal(exp.ToUnixTimeSeconds(), warning.GetProperty("data").GetProperty("exp").GetInt64());
        Assert.InRange(warning.GetProperty("data").GetProperty("expires_in").GetInt64(), 0, 3);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.WaitForCloseAsync(TimeSpan.FromSeconds(8)));
        var closedAt = DateTimeOffset.UtcNow;
        Assert.Equal("The authorisation token expired; reconnect with a fresh one.", client.CloseStatusDescription);
        // The sweep runs every 0.5 s; the upper bound leaves room for a loaded machine, the lower one is exact.
        Assert.InRange(closedAt, exp - TimeSpan.FromMilliseconds(50), exp + TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task The_warning_comes_TokenExpiryWarning_before_exp()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:WebSocket:TokenExpiryWarning"] = "00:00:01",
        });
        var token = Jwt.ForUser(82, TimeSpan.FromSeconds(4));
        var exp = ExpOf(token);

        await using var client = await ConnectAsync(gateway, token, 82);
        var warning = await client.WaitForPipeAsync("sys", "tokenExpiring");
        var warnedAt = DateTimeOffset.UtcNow;

        Assert.InRange(warnedAt, exp - TimeSpan.FromSeconds(1.05), exp);
        Assert.InRange(warning.GetProperty("data").GetProperty("expires_in").GetInt64(), 0, 1);
    }

    [Fact]
    public async Task A_refreshed_connection_stays_open_past_the_first_exp_and_keeps_receiving()
    {
        await using var gateway = await TestGateway.StartAsync();
        var first = Jwt.ForUser(83, TimeSpan.FromSeconds(3));
        await using var client = await ConnectAsync(gateway, first, 83);
        await client.SendAsync("subscription\nweb_refresh");
        await client.WaitForPipeAsync("sys", "tokenExpiring");

        var fresh = Jwt.ForUser(83, TimeSpan.FromHours(1));
        var answer = await RefreshAsync(client, fresh);

        Assert.Equal("tokenRefreshed", answer.GetProperty("event").GetString());
        Assert.Equal(ExpOf(fresh).ToUnixTimeSeconds(), answer.GetProperty("data").GetProperty("exp").GetInt64());
        await WaitUntilAsync(ExpOf(first) + TimeSpan.FromSeconds(1.5));
        Assert.True(client.IsOpen);
        var message = await client.PublishUntilReceivedAsync("web_refresh",
            () => gateway.Engine().Bus.PublishAsync(0, new CometMessage("web_refresh", "e", "after the first exp")));
        Assert.Equal("after the first exp", message.GetProperty("data").GetString());
    }

    [Fact]
    public async Task After_a_refresh_revoking_the_old_token_leaves_the_connection_and_revoking_the_new_one_closes_it()
    {
        await using var gateway = await TestGateway.StartAsync();
        var old = Jwt.ForUser(84, TimeSpan.FromHours(1));
        var fresh = Jwt.ForUser(84, TimeSpan.FromHours(2));
        await using var client = await ConnectAsync(gateway, old, 84);
        Assert.Equal("tokenRefreshed", (await RefreshAsync(client, fresh)).GetProperty("event").GetString());

        await RevokeAsync(gateway, old);
        await client.AssertSilentAsync(TimeSpan.FromMilliseconds(500));
        Assert.True(client.IsOpen);

        await RevokeAsync(gateway, fresh);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.WaitForCloseAsync());
        Assert.Equal("The user's authorisation was revoked.", client.CloseStatusDescription);
    }

    public static TheoryData<string, string, string> RefusedTokens => new()
    {
        { "other user", Jwt.ForUser(99, TimeSpan.FromHours(2)), "The token is for another user." },
        { "expired", Jwt.ForUser(85, TimeSpan.FromMinutes(-5)), "The token has expired." },
        { "other dev_id's secret", Jwt.ForUser(85, TimeSpan.FromHours(2), secret: TestGateway.Password + "5"), "The token signature is invalid." },
        { "alg none", Jwt.ForUser(85, TimeSpan.FromHours(2), algorithm: "none"), "Only HS256 tokens are accepted." },
        { "HS512", Jwt.ForUser(85, TimeSpan.FromHours(2), algorithm: "HS512"), "Only HS256 tokens are accepted." },
        { "no exp", Jwt.Create("{\"user_id\":85}"), "The token has no exp claim." },
        { "malformed", "not.a.jwt", "The token is malformed." },
        { "not a JWT", "hash85", "The token is not a JWT." },
        { "too long", new string('a', 601), "The token is longer than 600 characters." },
        { "empty", "", "No token was given." },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task A_refused_token_gets_a_401_sys_error_and_leaves_the_connection_as_it_was(string why, string token, string reason)
    {
        await using var gateway = await TestGateway.StartAsync();
        var current = Jwt.ForUser(85, TimeSpan.FromHours(1));
        await using var client = await ConnectAsync(gateway, current, 85);

        AssertRefusal(await RefreshAsync(client, token), reason, why);
        Assert.True(client.IsOpen, why);
        // The connection still answers to its old token.
        await RevokeAsync(gateway, current);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task A_revoked_fresh_token_is_refused()
    {
        await using var gateway = await TestGateway.StartAsync();
        var current = Jwt.ForUser(86, TimeSpan.FromHours(1));
        var revoked = Jwt.ForUser(86, TimeSpan.FromHours(2));
        await using var client = await ConnectAsync(gateway, current, 86);
        await RevokeAsync(gateway, revoked);
        // Revoking a token of the user closes only the connections that use it: this one stays.
        await client.AssertSilentAsync(TimeSpan.FromMilliseconds(300));

        AssertRefusal(await RefreshAsync(client, revoked), "The token was revoked.");
        Assert.True(client.IsOpen);
    }

    [Fact]
    public async Task A_connection_authorised_by_hash_or_anonymous_cannot_refresh()
    {
        await using var gateway = await TestGateway.StartAsync();
        await gateway.Engine().Users.SetHashAsync(0, 87, "hash87");
        await using var byHash = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path("hash87", 87));
        await using var anonymous = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());
        var token = Jwt.ForUser(87, TimeSpan.FromHours(1));

        AssertRefusal(await RefreshAsync(byHash, token), "This connection was authorised with a users_auth hash, which does not expire.");
        AssertRefusal(await RefreshAsync(anonymous, token), "This connection is anonymous; only a connection a JWT authorised can refresh its token.");
        Assert.True(byHash.IsOpen);
        Assert.True(anonymous.IsOpen);
    }

    [Fact]
    public async Task With_CloseExpiredTokens_off_a_token_is_only_checked_at_connect_as_in_CppComet()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:WebSocket:CloseExpiredTokens"] = "false",
        });
        var token = Jwt.ForUser(88, TimeSpan.FromSeconds(2));
        await using var client = await ConnectAsync(gateway, token, 88);

        await WaitUntilAsync(ExpOf(token) + TimeSpan.FromSeconds(1));

        await client.AssertSilentAsync();
        Assert.True(client.IsOpen);
    }

    [Fact]
    public async Task A_negative_warning_time_stops_the_gateway_at_start()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:WebSocket:TokenExpiryWarning"] = "-00:00:01",
        }));

        Assert.Contains("TokenExpiryWarning", failure.Message, StringComparison.Ordinal);
    }

    private static Task<CometWebSocketClient> ConnectAsync(TestGateway gateway, string session, long userId) =>
        CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path(session, userId));

    /// <summary>Sends refresh_token and returns the sys answer (tokenRefreshed or the error).</summary>
    private static async Task<JsonElement> RefreshAsync(CometWebSocketClient client, string token)
    {
        await client.SendAsync("refresh_token\n" + token);
        return await client.WaitForPipeAsync("sys");
    }

    private static void AssertRefusal(JsonElement message, string reason, string? why = null)
    {
        Assert.Equal("error", message.GetProperty("event").GetString());
        var data = message.GetProperty("data");
        Assert.Equal("401", data.GetProperty("code").GetString());
        Assert.True(Refused + reason == data.GetProperty("error").GetString(), $"{why}: {data}");
    }

    /// <summary>Revokes a token the way a backend does (CometQL), which also closes the connections using it.</summary>
    private static async Task RevokeAsync(TestGateway gateway, string token) =>
        await CometQLBackend.ExecuteOnceAsync(gateway.ConnectionString(), $"INSERT INTO revoked_tokens (token) VALUES ('{token}')");

    private static DateTimeOffset ExpOf(string token)
    {
        var payload = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(token.Split('.')[1]);
        using var json = JsonDocument.Parse(payload);
        return DateTimeOffset.FromUnixTimeSeconds(json.RootElement.GetProperty("exp").GetInt64());
    }

    private static async Task WaitUntilAsync(DateTimeOffset moment)
    {
        var left = moment - DateTimeOffset.UtcNow;
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left);
        }
    }
}
