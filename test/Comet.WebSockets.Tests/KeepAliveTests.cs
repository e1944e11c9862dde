using System.Net.WebSockets;
using System.Text;
using Comet.Testing;
using Comet.WebSockets.Tests.Support;

namespace Comet.WebSockets.Tests;

/// <summary>Keep-alive pings for load balancers, and dead peers leaving presence.</summary>
public sealed class KeepAliveTests
{
    [Fact]
    public async Task The_server_pings_and_a_client_that_answers_stays_connected()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            // A client silent for 2.2 s is dropped, so staying open over the 3.5 s below takes
            // answered pings; the 2 s timeout leaves room for a loaded test machine that starves the
            // client's receive loop for a second or so.
            ["Comet:WebSocket:KeepAliveInterval"] = "00:00:00.200",
            ["Comet:WebSocket:KeepAliveTimeout"] = "00:00:02",
        });
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());

        // ClientWebSocket answers pings while a receive is pending (the client's pump always is).
        await Task.Delay(TimeSpan.FromSeconds(3.5));

        Assert.Equal(WebSocketState.Open, client.State);
        await client.SendAsync("pipe_count\nweb_k\nm1");
        Assert.Equal("_answer_pipe_count", (await client.ReceiveAsync()).GetProperty("pipe").GetString());
    }

    [Fact]
    public async Task A_client_that_never_answers_pings_is_disconnected_and_leaves_presence()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:WebSocket:KeepAliveInterval"] = "00:00:00.200",
            ["Comet:WebSocket:KeepAliveTimeout"] = "00:00:00.500",
        });
        using var silent = new ClientWebSocket();
        await silent.ConnectAsync(new Uri($"ws://127.0.0.1:{gateway.HttpPort}{CometWebSocketClient.Path()}"), CancellationToken.None);
        await silent.SendAsync(Encoding.UTF8.GetBytes("subscription\nweb_dead"), WebSocketMessageType.Text, true, CancellationToken.None);
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["web_dead"]))[0].Count == 1, "subscribed");

        // No ReceiveAsync is ever called, so the client never reads the pings nor answers them.
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["web_dead"]))[0].Count == 0, "the dead client left presence");
    }
}
