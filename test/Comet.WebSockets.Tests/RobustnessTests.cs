using System.Net.WebSockets;
using System.Text;
using Comet.Core.Messages;
using Comet.Testing;
using Comet.WebSockets.Tests.Support;

namespace Comet.WebSockets.Tests;

/// <summary>Bad input gets a clear error and nothing else breaks; load and shutdown behave.</summary>
public sealed class RobustnessTests
{
    [Theory]
    [InlineData("no_such_command\nargs")]
    [InlineData("")]
    [InlineData("\n\n\n")]
    [InlineData("subscriptionweb_a")]
    public async Task An_unknown_command_gets_a_sys_error_and_the_connection_stays_open(string command)
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());

        await client.SendAsync(command + "\u0000");
        await client.SendAsync(command);

        var error = await client.ReceiveAsync();
        Assert.Equal("sys", error.GetProperty("pipe").GetString());
        Assert.StartsWith("Unknown command", error.GetProperty("data").GetProperty("error").GetString(), StringComparison.Ordinal);
        await client.SendAsync("pipe_count\nweb_x\nm1");
        Assert.Equal("_answer_pipe_count", (await client.WaitForPipeAsync("_answer_pipe_count")).GetProperty("pipe").GetString());
        Assert.Equal(WebSocketState.Open, client.State);
    }

    [Fact]
    public async Task An_oversized_message_is_refused_with_an_error_and_the_connection_stays_open()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string> { ["Comet:WebSocket:MaxMessageSize"] = "1024" });
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());

        await client.SendAsync("web_pipe2\nweb_big\ne\n*\n" + new string('x', 5000));

        Assert.Equal("Message too long: a message may have at most 1024 bytes.",
            (await client.ReceiveAsync()).GetProperty("data").GetProperty("error").GetString());
        await client.SendAsync("web_pipe2\nweb_big\ne\n*\nsmall");
        Assert.Equal("small", (await client.ReceiveAsync()).GetProperty("data").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Binary_frames_carry_commands_too()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{gateway.HttpPort}{CometWebSocketClient.Path()}"), CancellationToken.None);
        var buffer = new byte[4096];
        await socket.ReceiveAsync(buffer, CancellationToken.None);

        await socket.SendAsync(Encoding.UTF8.GetBytes("web_pipe2\nweb_bin\ne\n*\nx"), WebSocketMessageType.Binary, true, CancellationToken.None);
        var result = await socket.ReceiveAsync(buffer, CancellationToken.None);

        Assert.Contains("_answer_to_web_bin", Encoding.UTF8.GetString(buffer, 0, result.Count), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_burst_arrives_in_order_with_one_json_object_per_frame_as_CppComet_sends_them()
    {
        await using var gateway = await TestGateway.StartAsync();
        // Batching happens in one node: the client connects to the node that publishes.
        var node = gateway.LastNode();
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(node, CometWebSocketClient.Path());
        await client.SendAsync("subscription\nweb_burst");
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["web_burst"]))[0].Count == 1, "subscribed");

        const int count = 500;
        for (var i = 0; i < count; i++)
        {
            await node.CometNode().PublishAsync(0, new CometMessage("web_burst", "e", "m" + i));
        }

        for (var i = 0; i < count; i++)
        {
            Assert.Equal("m" + i, (await client.ReceiveAsync()).GetProperty("data").GetString());
        }
        List<string> frames;
        lock (client.Frames)
        {
            frames = [.. client.Frames];
        }
        // Messages that queued meanwhile leave in one write, but each is still its own frame
        // (spec §2: clients other than the JS one parse a frame as one JSON object).
        Assert.Equal(count, frames.Count(f => f.Contains("\"pipe\":\"web_burst\"", StringComparison.Ordinal)));
        Assert.DoesNotContain(frames, f => f.Contains('\n', StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_slow_consumer_is_disconnected_and_counted_while_others_keep_receiving()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:WebSocket:OutboundQueueLength"] = "16",
            ["Comet:WebSocket:CloseTimeout"] = "00:00:01",
        });
        // The send queue and its counter belong to one node: both clients use that node.
        var node = gateway.Node(0);
        using var slow = new ClientWebSocket();
        slow.Options.SetBuffer(1024, 1024);
        await slow.ConnectAsync(new Uri($"ws://127.0.0.1:{node.HttpPort}{CometWebSocketClient.Path()}"), CancellationToken.None);
        await slow.SendAsync(Encoding.UTF8.GetBytes("subscription\nweb_flood"), WebSocketMessageType.Text, true, CancellationToken.None);
        await using var healthy = await CometWebSocketClient.ConnectAndGreetAsync(node, CometWebSocketClient.Path());
        await healthy.SendAsync("subscription\nweb_flood");
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["web_flood"]))[0].Count == 2, "both subscribed");

        // The slow client never reads: socket buffers fill, then its bounded queue overflows. The
        // healthy one reads each batch before the next, so its queue never fills.
        var payload = new string('x', 32 * 1024);
        for (var i = 0; i < 2000 && node.SlowConsumers() == 0; i += 8)
        {
            for (var j = 0; j < 8; j++)
            {
                await node.CometNode().PublishAsync(0, new CometMessage("web_flood", "e", payload));
            }
            for (var j = 0; j < 8; j++)
            {
                Assert.Equal(payload, (await healthy.ReceiveAsync()).GetProperty("data").GetString());
            }
        }

        await Wait.UntilAsync(() => Task.FromResult(node.SlowConsumers() >= 1), "the slow consumer is counted");
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["web_flood"]))[0].Count == 1, "the slow consumer left presence");
        await node.CometNode().PublishAsync(0, new CometMessage("web_flood", "e", "after"));
        Assert.Equal("after", (await healthy.ReceiveAsync()).GetProperty("data").GetString());
    }

    [Fact]
    public async Task Stopping_the_gateway_closes_connections_with_1012_service_restart()
    {
        var gateway = await TestGateway.StartAsync();
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());

        var stopping = gateway.DisposeAsync().AsTask();

        Assert.Equal((WebSocketCloseStatus)1012, await client.WaitForCloseAsync());
        Assert.Equal("The server is restarting; reconnect.", client.CloseStatusDescription);
        await stopping;
    }

    [Fact]
    public async Task Invalid_utf8_and_control_characters_do_not_break_the_connection()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{gateway.HttpPort}{CometWebSocketClient.Path()}"), CancellationToken.None);
        var buffer = new byte[4096];
        await socket.ReceiveAsync(buffer, CancellationToken.None);

        byte[] bad = [.. "web_pipe2\nweb_u\ne\n*\n"u8.ToArray(), 0xff, 0xfe, 0x00, 0x01];
        await socket.SendAsync(bad, WebSocketMessageType.Binary, true, CancellationToken.None);
        var result = await socket.ReceiveAsync(buffer, CancellationToken.None);

        Assert.Contains("_answer_to_web_u", Encoding.UTF8.GetString(buffer, 0, result.Count), StringComparison.Ordinal);
        Assert.Equal(WebSocketState.Open, socket.State);
    }
}
