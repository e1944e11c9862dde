using System.Net.Sockets;

namespace Comet.Hardening.Tests.Faults;

/// <summary>
/// Clients that open a TCP connection and never finish the HTTP upgrade (slowloris) are cut off by
/// Kestrel's <c>Kestrel:Limits:RequestHeadersTimeout</c> (30 s by default), connections that send
/// nothing by its <c>KeepAliveTimeout</c> (130 s), and while they wait they do not keep anyone else out. The CometQL login has its own timeout
/// (<c>Comet:CometQL:HandshakeTimeout</c>, tested in test/Comet.CometQL.Tests).
/// </summary>
public sealed class UnfinishedHandshakeTests
{
    private const int Stalled = 200;

    [Fact]
    public async Task Stalled_upgrade_requests_are_closed_by_the_header_timeout_and_do_not_block_other_clients()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Kestrel:Limits:RequestHeadersTimeout"] = "00:00:02",
        });
        var stalled = new List<RawWebSocket>();
        try
        {
            for (var i = 0; i < Stalled; i++)
            {
                // The request line and some headers, but never the blank line that ends them.
                stalled.Add(await RawWebSocket.SendRequestAsync(gateway.HttpPort, RawWebSocket.UpgradeHead(CometWebSocketClient.Path())));
            }

            await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());
            var info = client.ServerInfo;
            Assert.Equal("serverInfo", info.GetProperty("event").GetString());

            // 25 s: generous for the configured 2 s, and short of Kestrel's default 30 s, so the test
            // fails if the Kestrel:Limits section stopped being applied.
            var closed = await Task.WhenAll(stalled.Select(s => s.WaitUntilServerClosedAsync(TimeSpan.FromSeconds(25))));
            Assert.All(closed, Assert.True);
            Assert.True(client.IsOpen, "a finished connection is not affected by the header timeout");
        }
        finally
        {
            stalled.ForEach(s => s.Dispose());
        }
    }

    /// <summary>Before its first byte a connection is idle, so Kestrel's <c>KeepAliveTimeout</c> (130 s by
    /// default) is what closes it, not the header timeout.</summary>
    [Fact]
    public async Task A_connection_that_sends_nothing_at_all_is_closed_by_the_keep_alive_timeout()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Kestrel:Limits:KeepAliveTimeout"] = "00:00:02",
        });
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", gateway.HttpPort);
        var buffer = new byte[1024];
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // the default is 130 s
        try
        {
            while (await tcp.GetStream().ReadAsync(buffer, cancel.Token) > 0)
            {
            }
        }
        catch (IOException)
        {
            // reset by the server: closed too
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("The server kept a connection that never sent a byte for 60 s.");
        }
    }
}
