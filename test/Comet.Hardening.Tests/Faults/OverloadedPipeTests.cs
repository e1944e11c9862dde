using System.Globalization;
using Comet.Testing;
using Comet.Testing.Clients;
using Xunit.Abstractions;

namespace Comet.Hardening.Tests.Faults;

/// <summary>
/// A backend that publishes as fast as it is answered (each INSERT sent when the previous one returned)
/// to a pipe with more subscribers than the node fans out inline: the gateway must slow the backend
/// (its INSERT waits while pipe delivery is behind, <c>Comet:Limits:MaxPipeDeliveryLag</c>) rather than
/// queue messages, lose none, keep their order, and not let a subscriber that stopped reading stall the
/// backend (its own send queue bounds it; SlowReaderTests shows it cut at that bound).
/// </summary>
public sealed class OverloadedPipeTests(ITestOutputHelper output)
{
    private const int Subscribers = 100;
    private const int Messages = 2000;

    [Fact]
    public async Task A_backend_publishing_as_fast_as_answered_is_slowed_and_every_subscriber_gets_every_message_in_order_while_one_never_reads()
    {
        await using var gateway = await GatewayProcess.StartAsync("overloaded-pipe", new Dictionary<string, string>
        {
            // 1 ms: far less than a 100-subscriber fan-out takes on any machine, so the backend is
            // surely held back at some point (the default, 5 ms, depends on the machine's speed).
            ["Comet:Limits:MaxPipeDeliveryLag"] = "00:00:00.001",
        });
        await using var backend = await CometQLBackend.OpenAsync(gateway);
        var readers = new List<CometWebSocketClient>();
        try
        {
            for (var i = 0; i < Subscribers; i++)
            {
                var reader = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path(uuid: CometWebSocketClient.NewUuid()));
                readers.Add(reader);
                await reader.SendAsync("subscription\nweb_overload");
            }
            // Upgrades, subscribes, never reads a byte again.
            using var stalled = await RawWebSocket.ConnectAsync(gateway.HttpPort, CometWebSocketClient.Path(uuid: CometWebSocketClient.NewUuid()), receiveBufferSize: 4096);
            Assert.Equal(101, stalled.Status);
            await stalled.SendTextAsync("subscription\nweb_overload");
            var expected = (Subscribers + 1).ToString(CultureInfo.InvariantCulture);
            await Wait.UntilAsync(async () => await backend.SubscribersAsync("web_overload") == expected, "every subscriber to be counted");

            // Every reader reads while the backend publishes, as browsers do.
            var reading = readers.Select(r => Task.Run(() => ReadNumbersAsync(r, Messages))).ToArray();
            for (var i = 0; i < Messages; i++)
            {
                await backend.ExecuteAsync($"INSERT INTO pipes_messages (name, event, message) VALUES ('web_overload', 'e', 'n{i.ToString(CultureInfo.InvariantCulture)}')");
            }
            var received = await Task.WhenAll(reading);

            var inOrder = Enumerable.Range(0, Messages).ToList();
            foreach (var numbers in received)
            {
                Assert.Equal(inOrder, numbers);
            }
            var scrape = await PrometheusScrape.GetAsync(new Uri(gateway.ManagementUri, "/metrics"));
            var waits = scrape.Value("comet_hub_pipe_delivery_waits_total") ?? scrape.Value("comet_hub_pipe_delivery_waits");
            output.WriteLine($"the backend waited {waits} times for {Messages} INSERTs");
            Assert.True(waits > 0, "the backend was never held back although delivery was behind by more than 1 ms");
            // The reader that never read held nobody up: every INSERT above was answered (its writer
            // waits for its socket, not the backend for it).
            Assert.All(readers, r => Assert.True(r.IsOpen));
        }
        finally
        {
            foreach (var reader in readers)
            {
                await reader.DisposeAsync();
            }
        }
    }

    /// <summary>The numbers of the first <paramref name="count"/> pipe messages the reader gets, in arrival order.</summary>
    private static async Task<List<int>> ReadNumbersAsync(CometWebSocketClient reader, int count)
    {
        var numbers = new List<int>(count);
        while (numbers.Count < count)
        {
            var message = await reader.ReceiveAsync(TimeSpan.FromSeconds(30));
            if (CometWebSocketClient.IsPipe(message, "web_overload"))
            {
                numbers.Add(int.Parse(message.GetProperty("data").GetString()![1..], CultureInfo.InvariantCulture));
            }
        }
        return numbers;
    }
}
