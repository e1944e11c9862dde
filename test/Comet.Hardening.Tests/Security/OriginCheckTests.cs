using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;

namespace Comet.Hardening.Tests.Security;

/// <summary>
/// With Comet:WebSocket:AllowedOrigins set, a page from another site cannot open a WebSocket (cross-site
/// WebSocket hijacking): the upgrade is answered 403 and no connection is registered.
/// </summary>
public sealed class OriginCheckTests
{
    private static readonly Dictionary<string, string> AllowList = new()
    {
        ["Comet:WebSocket:AllowedOrigins:0"] = "https://www.example.com",
        ["Comet:WebSocket:AllowedOrigins:1"] = "https://*.example.net",
    };

    [Fact]
    public async Task A_listed_origin_connects_and_an_unlisted_one_gets_403_before_the_upgrade()
    {
        await using var gateway = await TestGateway.StartAsync(AllowList);

        var (allowed, info) = await ConnectAsync(gateway, "https://chat.example.net");
        await using var _ = allowed;
        Assert.Equal("serverInfo", info.GetProperty("event").GetString());

        using var evil = new ClientWebSocket();
        evil.Options.SetRequestHeader("Origin", "https://evil.example");
        evil.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() =>
            evil.ConnectAsync(new Uri(gateway.WebSocketUri, CometWebSocketClient.Path()), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, evil.HttpStatusCode);
    }

    [Fact]
    public async Task A_client_that_sends_no_origin_is_not_a_browser_and_connects()
    {
        await using var gateway = await TestGateway.StartAsync(AllowList);
        using var socket = new ClientWebSocket(); // .NET's client sends no Origin unless told to
        await socket.ConnectAsync(new Uri(gateway.WebSocketUri, CometWebSocketClient.Path()), CancellationToken.None);
        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task Without_a_list_every_origin_connects_as_with_CppComet()
    {
        await using var gateway = await TestGateway.StartAsync();
        var (client, _) = await ConnectAsync(gateway, "https://anything.test");
        await using var _c = client;
        Assert.True(client.IsOpen);
    }

    [Fact]
    public async Task A_malformed_entry_stops_the_gateway_at_start_naming_the_key()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestGateway.StartAsync(new Dictionary<string, string> { ["Comet:WebSocket:AllowedOrigins:0"] = "https://www.example.com/chat" }));
        Assert.Contains("Comet:WebSocket:AllowedOrigins:0", error.Message, StringComparison.Ordinal);
    }

    private static async Task<(CometWebSocketClient, System.Text.Json.JsonElement)> ConnectAsync(TestGateway gateway, string origin)
    {
        var client = await CometWebSocketClient.ConnectAsync(gateway.WebSocketUri, CometWebSocketClient.Path(),
            options => options.SetRequestHeader("Origin", origin));
        return (client, await client.ReceiveAsync());
    }
}
