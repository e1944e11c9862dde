using System.Net.WebSockets;
using System.Text;
using Comet.Core.Messages;
using Comet.Testing.Clients;
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

    [Fact]
    public async Task A_client_that_stops_answering_while_messages_flow_to_it_is_dropped_long_before_the_idle_interval()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            // An idle client would not be pinged for a minute; one that gets messages is asked after 1 s.
            ["Comet:WebSocket:KeepAliveInterval"] = "00:01:00",
            ["Comet:WebSocket:KeepAliveBusyInterval"] = "00:00:01",
            ["Comet:WebSocket:KeepAliveTimeout"] = "00:00:01",
        });
        using var mute = await RawWebSocket.UpgradeAsync(gateway.HttpPort, CometWebSocketClient.Path());
        await mute.SendTextAsync("subscription\nweb_busy_dead");
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["web_busy_dead"]))[0].Count == 1, "subscribed");

        // Its kernel still takes the bytes; only a pong would show the peer is alive, and none comes.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var publishing = new CancellationTokenSource();
        var publisher = Task.Run(async () =>
        {
            while (!publishing.IsCancellationRequested)
            {
                await gateway.Node(0).CometNode().PublishAsync(0, new CometMessage("web_busy_dead", "tick", "x"));
                await Task.Delay(100);
            }
        });
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["web_busy_dead"]))[0].Count == 0,
            "the client that stopped answering left presence", TimeSpan.FromSeconds(20));
        await publishing.CancelAsync();
        await publisher;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"dropped after {clock.Elapsed.TotalSeconds:0.0} s; the idle interval is 60 s");
        Assert.True(await mute.WaitUntilServerClosedAsync(TimeSpan.FromSeconds(10)), "the server closed its TCP connection");
    }
}
