using Comet.Testing.Clients;
using System.Net.WebSockets;
using Comet.Testing;
using Comet.WebSockets.Tests.Support;

namespace Comet.WebSockets.Tests;

/// <summary>The node's WebSocket limits: each one configurable, answered clearly when hit, and counted.</summary>
public sealed class LimitTests
{
    private static string NewPath() => CometWebSocketClient.Path(uuid: CometWebSocketClient.NewUuid());

    [Fact]
    public async Task Beyond_MaxConnections_an_upgrade_gets_503_with_Retry_After_and_a_freed_slot_is_taken_again()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string> { ["Comet:WebSocket:MaxConnections"] = "2" });
        // The limit is per node: every client goes to the same one.
        var node = gateway.Node(0);
        using var counters = new NodeCounters(node);
        await using var first = await CometWebSocketClient.ConnectAndGreetAsync(node, NewPath());
        await using var second = await CometWebSocketClient.ConnectAndGreetAsync(node, NewPath());

        using (var refused = await RawWebSocket.ConnectAsync(node.HttpPort, NewPath()))
        {
            Assert.Equal(503, refused.Status);
            Assert.Equal("5", refused.Header("Retry-After"));
            Assert.Contains("The server is full: at most 2 connections; connect again later.", refused.Body, StringComparison.Ordinal);
        }
        Assert.Equal(1, counters["comet.websocket.refused{reason=node_full}"]);

        await first.DisposeAsync();
        // The slot is free once the first connection finished, presence cleanup included.
        await Wait.UntilAsync(async () =>
        {
            using var again = await RawWebSocket.ConnectAsync(node.HttpPort, NewPath());
            return again.Status == 101;
        }, "a new connection takes the freed slot");
    }

    [Fact]
    public async Task New_connections_per_forwarded_address_are_limited_with_429_and_each_address_has_its_own_budget()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:WebSocket:NewConnectionsPerIp"] = "2",
            // Long enough that no token comes back during the test.
            ["Comet:WebSocket:NewConnectionsPerIpPeriod"] = "00:10:00",
            ["Comet:WebSocket:TrustForwardedFor"] = "true",
        });
        var node = gateway.Node(0);
        using var counters = new NodeCounters(node);
        var open = new List<RawWebSocket>();
        try
        {
            async Task<RawWebSocket> Connect(string address)
            {
                var socket = await RawWebSocket.ConnectAsync(node.HttpPort, NewPath(), forwardedFor: address + ", 10.0.0.1");
                open.Add(socket);
                return socket;
            }

            Assert.Equal(101, (await Connect("203.0.113.7")).Status);
            Assert.Equal(101, (await Connect("203.0.113.7")).Status);
            var refused = await Connect("203.0.113.7");
            Assert.Equal(429, refused.Status);
            Assert.InRange(int.Parse(refused.Header("Retry-After")!, System.Globalization.CultureInfo.InvariantCulture), 1, 300);
            Assert.Contains("Too many new connections from this address: at most 2 per 00:10:00.", refused.Body, StringComparison.Ordinal);
            // Another address has its own budget.
            Assert.Equal(101, (await Connect("203.0.113.8")).Status);
            // IPv6 addresses count per /64: one host cannot dodge the limit by changing its interface id.
            Assert.Equal(101, (await Connect("2001:db8:1:2::1")).Status);
            Assert.Equal(101, (await Connect("2001:db8:1:2::2")).Status);
            Assert.Equal(429, (await Connect("2001:db8:1:2:ffff::3")).Status);
            Assert.Equal(101, (await Connect("2001:db8:1:3::1")).Status);
            Assert.Equal(2, counters["comet.websocket.refused{reason=address_rate}"]);
        }
        finally
        {
            open.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task Without_TrustForwardedFor_a_client_cannot_dodge_the_address_limit_with_a_forged_header()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:WebSocket:NewConnectionsPerIp"] = "1",
            ["Comet:WebSocket:NewConnectionsPerIpPeriod"] = "00:10:00",
        });
        var node = gateway.Node(0);

        using var first = await RawWebSocket.ConnectAsync(node.HttpPort, NewPath(), forwardedFor: "198.51.100.1");
        using var second = await RawWebSocket.ConnectAsync(node.HttpPort, NewPath(), forwardedFor: "198.51.100.2");

        Assert.Equal(101, first.Status);
        Assert.Equal(429, second.Status);
    }

    [Fact]
    public async Task Commands_over_the_rate_get_a_429_sys_error_and_a_client_that_keeps_going_is_closed_with_1008()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:WebSocket:MaxCommandsPerSecond"] = "5",
            ["Comet:WebSocket:MaxRejectedCommands"] = "20",
        });
        var node = gateway.Node(0);
        using var counters = new NodeCounters(node);
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(node, NewPath());
        await using var other = await CometWebSocketClient.ConnectAndGreetAsync(node, NewPath());

        // A burst of 15: 5 fit the burst (plus what refills meanwhile), the rest are over the rate and
        // answered with a sys error; at most 10 rejections, so the connection stays open and every
        // answer and error reaches the client.
        for (var i = 0; i < 15; i++)
        {
            await client.SendAsync("pipe_count\nweb_rate\nb" + i);
        }
        var answers = 0;
        var errors = new List<string>();
        while ((answers < 5 || errors.Count == 0) && await NextOrClosedAsync(client) is { } message)
        {
            if (CometWebSocketClient.IsPipe(message, "_answer_pipe_count"))
            {
                answers++;
            }
            else if (CometWebSocketClient.IsPipe(message, "sys"))
            {
                Assert.Equal("429", message.GetProperty("data").GetProperty("code").GetString());
                errors.Add(message.GetProperty("data").GetProperty("error").GetString()!);
            }
        }
        Assert.True(client.IsOpen, "a burst below MaxRejectedCommands must not close the connection");
        Assert.InRange(answers, 5, 15);
        Assert.All(errors, e => Assert.Equal("Too many commands: a connection may send at most 5 per second; this one was ignored.", e));
        Assert.NotEmpty(errors);

        // A client that keeps going: the 21st rejected command closes the connection. (What is still
        // queued for the client when the close is decided is dropped with the connection.)
        for (var i = 0; i < 100 && client.IsOpen; i++)
        {
            try
            {
                await client.SendAsync("pipe_count\nweb_rate\nm" + i);
            }
            catch (Exception exception) when (exception is WebSocketException or InvalidOperationException)
            {
                break;
            }
        }
        while (await NextOrClosedAsync(client) is not null)
        {
        }
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
        Assert.Equal("Too many commands: the client exceeded its command rate limit.", client.CloseStatusDescription);
        Assert.Equal(21, counters["comet.websocket.commands_rejected"]);
        Assert.Equal(1, counters["comet.websocket.command_abuse_disconnects"]);

        // The limit is per connection: another client on the same node is still answered.
        await other.SendAsync("pipe_count\nweb_rate\nok");
        Assert.Equal("ok", (await other.WaitForPipeAsync("_answer_pipe_count")).GetProperty("marker").GetString());
    }

    /// <summary>The next message, or null once the server closed the connection.</summary>
    private static async Task<System.Text.Json.JsonElement?> NextOrClosedAsync(CometWebSocketClient client)
    {
        try
        {
            return await client.TryWaitForAsync(_ => true, TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
