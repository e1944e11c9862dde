using Comet.Testing;
using Comet.WebSockets.Tests.Support;

namespace Comet.WebSockets.Tests;

public sealed class JwtTests
{
    [Fact]
    public async Task A_valid_HS256_token_authorises_and_a_hash_is_stored_for_the_user()
    {
        await using var gateway = await TestGateway.StartAsync();
        var token = Jwt.ForUser(71);

        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path(token, 71));
        var info = client.ServerInfo;

        Assert.True(info.GetProperty("authorized").GetBoolean());
        var stored = Assert.Single(await gateway.Engine().Users.GetHashesAsync(0, [71]));
        Assert.Equal(stored.Value, info.GetProperty("data").GetString());
        Assert.Equal(32, stored.Value.Length);
    }

    [Fact]
    public async Task The_secret_includes_the_dev_id()
    {
        await using var gateway = await TestGateway.StartAsync();
        var token = Jwt.ForUser(72, secret: TestGateway.Password + "5");

        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path(token, 72, devId: 5));
        var info = client.ServerInfo;

        Assert.True(info.GetProperty("authorized").GetBoolean());
    }

    public static TheoryData<string, string> RefusedTokens => new()
    {
        { "expired", Jwt.ForUser(73, lifetime: TimeSpan.FromMinutes(-5)) },
        { "wrong algorithm", Jwt.ForUser(73, algorithm: "HS512") },
        { "alg none", Jwt.ForUser(73, algorithm: "none") },
        { "wrong user", Jwt.ForUser(74) },
        { "wrong secret", Jwt.ForUser(73, secret: "guess0") },
        { "no exp", Jwt.Create("{\"user_id\":73}") },
        { "non-numeric user", Jwt.Create("{\"user_id\":\"abc\",\"exp\":9999999999}") },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Invalid_tokens_connect_anonymously(string why, string token)
    {
        await using var gateway = await TestGateway.StartAsync();

        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path(token, 73));
        var info = client.ServerInfo;

        Assert.False(info.GetProperty("authorized").GetBoolean(), why);
        Assert.Empty(await gateway.Engine().Users.GetHashesAsync(0, [73]));
    }

    [Fact]
    public async Task A_revoked_token_is_refused_and_revoking_closes_the_connections_that_used_it()
    {
        await using var gateway = await TestGateway.StartAsync();
        var used = Jwt.ForUser(75);
        var other = Jwt.ForUser(75, lifetime: TimeSpan.FromHours(2));
        await using var withUsed = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path(used, 75));
        await using var withOther = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path(other, 75));

        await gateway.Engine().Users.RevokeTokenAsync(0, used, null);
        await gateway.Engine().Bus.CloseUserAsync(0, 75, used);

        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, await withUsed.WaitForCloseAsync());
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, withOther.State);
        await using var again = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path(used, 75));
        var info = again.ServerInfo;
        Assert.False(info.GetProperty("authorized").GetBoolean());
    }
}
