using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Comet.Testing;
using Comet.Testing.Clients;
using Xunit.Abstractions;

namespace Comet.Hardening.Tests.Faults;

/// <summary>
/// A subscriber whose socket stops reading (a phone in a tunnel) while large messages flow to its pipe
/// must cost the gateway its byte limit and no more: it is cut when its queue passes
/// <c>OutboundQueueBytes</c>, leaves <c>pipes</c> at once, and the others keep getting every message.
/// The gateway runs as its own process, so its resident memory is what is measured.
/// </summary>
public sealed class SlowReaderTests(ITestOutputHelper output)
{
    private const int MessageBytes = 8 * 1024;
    private const int Batch = 100;

    [Fact]
    public async Task A_reader_that_stops_reading_8_KB_messages_is_cut_at_its_byte_limit_and_leaves_pipes_at_once_without_growing_memory()
    {
        await using var gateway = await GatewayProcess.StartAsync("slow-reader");
        await using var backend = await CometQLBackend.OpenAsync(gateway);
        await using var watcher = await CometQLBackend.OpenAsync(gateway);
        await using var healthy = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path(uuid: CometWebSocketClient.NewUuid()));
        await healthy.SendAsync("subscription\nweb_slow");
        await Wait.UntilAsync(async () => await backend.SubscribersAsync("web_slow") == "1", "the healthy reader to subscribe");
        var payload = new string('p', MessageBytes);

        // The same traffic first with the healthy reader alone: the baseline includes what the flood costs.
        await FloodAsync(backend, healthy, payload, first: 0, count: 2000, published: null);
        var before = ResidentBytes(gateway.ProcessId);

        // Upgrades, subscribes, never reads a byte again (a small receive buffer, as a stalled phone's).
        using var stalled = await RawWebSocket.ConnectAsync(gateway.HttpPort, CometWebSocketClient.Path(uuid: CometWebSocketClient.NewUuid()), receiveBufferSize: 4096);
        Assert.Equal(101, stalled.Status);
        await stalled.SendTextAsync("subscription\nweb_slow");
        await Wait.UntilAsync(async () => await backend.SubscribersAsync("web_slow") == "2", "the stalled reader to subscribe");

        var published = new StrongBox<int>();
        var clock = Stopwatch.StartNew();
        var left = Task.Run(async () =>
        {
            while (await watcher.SubscribersAsync("web_slow") != "1")
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the stalled reader never left pipes");
                await Task.Delay(20);
            }
            return (clock.Elapsed, Published: Volatile.Read(ref published.Value));
        });
        await FloodAsync(backend, healthy, payload, first: 2000, count: 4000, published);
        var (leftAfter, publishedWhenLeft) = await left;
        var after = ResidentBytes(gateway.ProcessId);

        // What reached the stalled reader's side before the cut: its 1 MiB queue plus the socket buffers
        // on both ends of the loopback connection (a few MB), not the 32 MB that went to the healthy reader.
        var passed = (long)publishedWhenLeft * MessageBytes;
        Assert.True(passed < 16L * 1024 * 1024,
            $"the stalled reader left pipes only after {passed / 1024} KB were published to it ({leftAfter.TotalSeconds:0.0} s)");
        Assert.True(await stalled.WaitUntilServerClosedAsync(TimeSpan.FromSeconds(5)), "the server dropped the stalled reader's connection");
        var growth = after - before;
        output.WriteLine($"left pipes {leftAfter.TotalMilliseconds:0} ms into the flood, after {passed / 1024} KB; RSS {before / 1024} KB before, {after / 1024} KB after");
        Assert.True(growth < 16L * 1024 * 1024,
            $"the gateway's resident memory grew by {growth / 1024} KB ({before / 1024} KB before) for one stalled reader");
        Assert.Contains("Closing slow consumer", gateway.Output, StringComparison.Ordinal);
    }

    /// <summary>Publishes numbered messages through CometQL in batches the healthy reader reads in full
    /// (in order, every one) before the next: full rate, without making the healthy reader a slow one.</summary>
    private static async Task FloodAsync(CometQLBackend backend, CometWebSocketClient reader, string payload, int first, int count, StrongBox<int>? published)
    {
        for (var sent = first; sent < first + count; sent += Batch)
        {
            for (var i = sent; i < sent + Batch; i++)
            {
                await backend.ExecuteAsync($"INSERT INTO pipes_messages (name, event, message) VALUES ('web_slow', 'e', '{i.ToString(CultureInfo.InvariantCulture)}:{payload}')");
                if (published is not null)
                {
                    Volatile.Write(ref published.Value, i - first + 1);
                }
            }
            for (var i = sent; i < sent + Batch; i++)
            {
                var data = (await reader.ReceiveAsync()).GetProperty("data").GetString()!;
                Assert.StartsWith(i.ToString(CultureInfo.InvariantCulture) + ":", data, StringComparison.Ordinal);
            }
            lock (reader.Frames)
            {
                reader.Frames.Clear();
            }
        }
    }

    /// <summary>VmRSS of a process, in bytes.</summary>
    private static long ResidentBytes(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
