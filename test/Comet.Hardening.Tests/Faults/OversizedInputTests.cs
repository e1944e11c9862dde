namespace Comet.Hardening.Tests.Faults;

/// <summary>
/// Client messages far beyond <c>Comet:WebSocket:MaxMessageSize</c> are read in bounded pieces and
/// discarded (the server never buffers more than the limit), the sender gets a sys error, and the
/// connection and everyone else go on. CometQL packets beyond <c>MaxPacketSize</c> are covered by
/// WireProtocolTests.An_oversized_packet_gets_an_error_and_a_close.
/// </summary>
public sealed class OversizedInputTests
{
    [Fact]
    public async Task A_32_MiB_message_in_many_fragments_gets_an_error_and_the_connection_stays_usable()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var sender = await RawWebSocket.UpgradeAsync(gateway.HttpPort, CometWebSocketClient.Path());
        await using var bystander = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());
        await bystander.SendAsync("subscription\nweb_big");

        var chunk = new byte[1 << 20];
        chunk.AsSpan().Fill((byte)'x');
        for (var i = 0; i < 32; i++)
        {
            await sender.SendFrameHeaderAsync(i == 0 ? (byte)0x1 : (byte)0x0, chunk.Length, fin: i == 31);
            await sender.Stream.WriteAsync(chunk);
        }
        await sender.SendTextAsync("web_pipe2\nweb_big\ne\n*\nafter the flood");

        Assert.Equal("after the flood", (await bystander.WaitForPipeAsync("web_big")).GetProperty("data").GetString());
        var text = await ReadTextAsync(sender);
        Assert.Contains("Message too long: a message may have at most 65535 bytes.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_frame_announcing_a_terabyte_allocates_nothing_of_the_kind_and_others_are_served()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var backend = await CometQLBackend.OpenAsync(gateway);
        using (var liar = await RawWebSocket.UpgradeAsync(gateway.HttpPort, CometWebSocketClient.Path()))
        {
            await liar.SendTextAsync("subscription\nweb_liar");
            await Wait.UntilAsync(async () => await backend.SubscribersAsync("web_liar") == "1", "the liar to be subscribed");
            await liar.SendFrameHeaderAsync(0x1, 1L << 40);
            await liar.Stream.WriteAsync(new byte[64 * 1024]);
            // The process would be gone (OutOfMemory) had it tried to allocate the announced size.
            await using var other = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());
            await other.SendAsync("pipe_count\nweb_x\nm1");
            Assert.Equal("_answer_pipe_count", (await other.ReceiveAsync()).GetProperty("pipe").GetString());
        }
        // The liar vanished in the middle of its frame: its connection leaves the node.
        await Wait.UntilAsync(async () => await backend.SubscribersAsync("web_liar") == "0", "the liar to leave the pipe");
    }

    /// <summary>Reads what the server sent on a raw connection (unmasked text frames) for a few seconds.</summary>
    private static async Task<string> ReadTextAsync(RawWebSocket socket)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !System.Text.Encoding.UTF8.GetString(received.ToArray()).Contains("Message too long", StringComparison.Ordinal))
        {
            using var cancel = new CancellationTokenSource(deadline - DateTime.UtcNow);
            var read = await socket.Stream.ReadAsync(buffer, cancel.Token);
            if (read == 0)
            {
                break;
            }
            received.AddRange(buffer.AsSpan(0, read));
        }
        return System.Text.Encoding.UTF8.GetString(received.ToArray());
    }
}
