using System.Net.WebSockets;
using Comet.Testing;
using Comet.WebSockets.Tests.Support;

namespace Comet.WebSockets.Tests;

public sealed class ConnectTests
{
    [Fact]
    public async Task Anonymous_client_gets_serverInfo_with_authorized_false_first()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var client = await CometWebSocketClient.ConnectAsync(gateway, CometWebSocketClient.Path("nohash", 5));

        var info = await client.ReceiveAsync();

        Assert.Equal(
            "{\"authorized\":false,\"data\":\"\",\"event\":\"serverInfo\",\"message_send_time\":0,\"pipe\":\"sys\",\"server\":\"Comet.Gateway (CppComet community 4.09 compatible)\"}",
            info.WithoutTime());
    }

    [Fact]
    public async Task The_users_auth_hash_authorises_and_serverInfo_returns_it()
    {
        await using var gateway = await TestGateway.StartAsync();
        await gateway.Engine().Users.SetHashAsync(0, 7, "hash7");
        await using var client = await CometWebSocketClient.ConnectAsync(gateway, CometWebSocketClient.Path("hash7", 7));

        var info = await client.ReceiveAsync();

        Assert.True(info.GetProperty("authorized").GetBoolean());
        Assert.Equal("hash7", info.GetProperty("data").GetString());
    }

    [Fact]
    public async Task A_wrong_hash_connects_anonymously()
    {
        await using var gateway = await TestGateway.StartAsync();
        await gateway.Engine().Users.SetHashAsync(0, 7, "hash7");
        await using var client = await CometWebSocketClient.ConnectAsync(gateway, CometWebSocketClient.Path("hash8", 7));

        var info = await client.ReceiveAsync();

        Assert.False(info.GetProperty("authorized").GetBoolean());
        Assert.Equal("", info.GetProperty("data").GetString());
    }

    [Theory]
    [InlineData("/ws/")]
    [InlineData("//ws/")]
    [InlineData("/comet-server/ws/")]
    [InlineData("//comet-server/ws/")]
    public async Task Every_CppComet_route_accepts_the_connection(string prefix)
    {
        await using var gateway = await TestGateway.StartAsync();
        var path = prefix + CometWebSocketClient.Path()["/ws/".Length..];
        await using var client = await CometWebSocketClient.ConnectAsync(gateway, path);

        var info = await client.ReceiveAsync();

        Assert.Equal("serverInfo", info.GetProperty("event").GetString());
    }

    [Fact]
    public async Task The_chat_subprotocol_is_echoed_when_asked_for()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var client = await CometWebSocketClient.ConnectAsync(gateway, CometWebSocketClient.Path(), o => o.AddSubProtocol("chat"));

        Assert.Equal("chat", client.SubProtocol);
    }

    [Theory]
    [InlineData("/ws/nothing", "401", "Error code 401(Invalid request, session ID not found)")]
    [InlineData("/ws/sesion=abc", "401", "Error code 401(Invalid request, the user ID can not be found)")]
    [InlineData("/ws/sesion=abc&myid=1", "406", "Error code 406(Invalid request, no public key found [1])")]
    [InlineData("/ws/sesion=abc&myid=1&devid=x", "406", "Error code 406(Invalid request, no public key found [2])")]
    [InlineData("/ws/sesion=abc&myid=1&devid=100000&v=4.08", "406", "Error code 406(Invalid request, no public key found [3])")]
    [InlineData("/ws/sesion=abc&myid=1&devid=0", "418", "Error code 418(Invalid request Not assigned client api version)\n")]
    [InlineData("/ws/sesion=abc&myid=1&devid=0&v=four", "418", "Error code 418(Invalid request Not assigned client api version)\n")]
    public async Task A_url_missing_a_part_gets_CppComets_error_and_is_closed(string path, string code, string text)
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var client = await CometWebSocketClient.ConnectAsync(gateway, path);

        var error = await client.ReceiveAsync();

        Assert.Equal(code, error.GetProperty("error").GetString());
        Assert.Equal(text, error.GetProperty("data").GetString());
        Assert.Equal("CometServerError", error.GetProperty("event_name").GetString());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task A_plain_http_get_on_the_route_is_a_clear_400()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(gateway.HttpUri, CometWebSocketClient.Path()));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("WebSocket", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
