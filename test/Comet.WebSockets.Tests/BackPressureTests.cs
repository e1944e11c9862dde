using Comet.Testing.Clients;
using Comet.Core.Messages;
using Comet.Testing;
using Comet.WebSockets.Tests.Support;

namespace Comet.WebSockets.Tests;

/// <summary>Runs alone: it measures the process's managed heap, which parallel tests would disturb.</summary>
[CollectionDefinition(nameof(HeapMeasuringCollection), DisableParallelization = true)]
public sealed class HeapMeasuringCollection;

/// <summary>A client that stops reading costs the gateway a bounded amount and nobody else anything.</summary>
[Collection(nameof(HeapMeasuringCollection))]
public sealed class BackPressureTests
{
    [Fact]
    public async Task A_client_that_stops_reading_is_cut_off_while_the_others_get_every_message_and_memory_stays_bounded()
    {
        const int queueLength = 64;
        const int messages = 3000;
        const int batch = 50;
        var payload = new string('x', 16 * 1024);
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:WebSocket:OutboundQueueLength"] = queueLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Comet:WebSocket:CloseTimeout"] = "00:00:01",
        });
        // The send queues belong to one node: every client uses that node.
        var node = gateway.Node(0);
        using var counters = new NodeCounters(node);
        // A raw client that upgrades, subscribes and never reads a byte (with a small receive buffer).
        using var stalled = await RawWebSocket.ConnectAsync(node.HttpPort, CometWebSocketClient.Path(uuid: CometWebSocketClient.NewUuid()), receiveBufferSize: 4096);
        Assert.Equal(101, stalled.Status);
        await stalled.SendTextAsync("subscription\nweb_pressure");
        var healthy = new List<CometWebSocketClient>();
        for (var i = 0; i < 2; i++)
        {
            var client = await CometWebSocketClient.ConnectAndGreetAsync(node, CometWebSocketClient.Path(uuid: CometWebSocketClient.NewUuid()));
            healthy.Add(client);
            await client.SendAsync("subscription\nweb_pressure");
        }
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["web_pressure"]))[0].Count == 3, "three subscribers");
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var peakGrowth = 0L;

        // 3000 messages of 16 KB (48 MB): the stalled client could hold all of them if its queue were
        // unbounded. The healthy ones read each batch before the next is published.
        for (var sent = 0; sent < messages; sent += batch)
        {
            for (var i = sent; i < sent + batch; i++)
            {
                await node.CometNode().PublishAsync(0, new CometMessage("web_pressure", "e", i.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + payload));
            }
            foreach (var client in healthy)
            {
                for (var i = sent; i < sent + batch; i++)
                {
                    var data = (await client.ReceiveAsync()).GetProperty("data").GetString()!;
                    Assert.StartsWith(i.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":", data, StringComparison.Ordinal);
                    Assert.Equal(payload.Length, data.Length - data.IndexOf(':', StringComparison.Ordinal) - 1);
                }
                lock (client.Frames)
                {
                    client.Frames.Clear();
                }
            }
            if ((sent + batch) % 500 == 0)
            {
                peakGrowth = Math.Max(peakGrowth, GC.GetTotalMemory(forceFullCollection: true) - baseline);
            }
        }

        Assert.True(node.SlowConsumers() >= 1, "the stalled client was disconnected");
        Assert.Equal(1, counters["comet.websocket.slow_consumers"]);
        Assert.True(await stalled.WaitUntilServerClosedAsync(TimeSpan.FromSeconds(20)), "the server ended the stalled client's connection");
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["web_pressure"]))[0].Count == 2, "the stalled client left presence");
        // Bounded: its queue holds at most 64 messages (1 MB) and the rest is socket buffers; 48 MB went through.
        Assert.True(peakGrowth < 16 * 1024 * 1024, $"the managed heap grew by {peakGrowth / 1024} KB while 48 MB went to a stalled client");
        foreach (var client in healthy)
        {
            Assert.True(client.IsOpen);
            await client.DisposeAsync();
        }
    }
}
