using System.Net;
using System.Net.Sockets;
using System.Text;
using Comet.Testing.Faults;

namespace Comet.Hardening.Tests.Faults;

/// <summary>
/// The chaos tests trust <see cref="FaultyLink"/> to fail a connection the way it says; here each fault
/// is checked against a plain TCP server, from both ends.
/// </summary>
public sealed class FaultyLinkTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Relays_bytes_both_ways_and_passes_a_close_on()
    {
        using var listener = Listen();
        await using var link = FaultyLink.Start((IPEndPoint)listener.LocalEndpoint);
        var (client, server) = await ConnectAsync(link, listener);
        using (client)
        using (server)
        {
            await client.SendAsync(Encoding.ASCII.GetBytes("ping"));
            Assert.Equal("ping", await ReadAsync(server, 4));
            await server.SendAsync(Encoding.ASCII.GetBytes("pong"));
            Assert.Equal("pong", await ReadAsync(client, 4));

            client.Shutdown(SocketShutdown.Send);
            Assert.Equal(0, await ReceiveAsync(server));
            server.Shutdown(SocketShutdown.Send);
            Assert.Equal(0, await ReceiveAsync(client));
            await link.Completed.WaitAsync(Timeout);
        }
    }

    [Fact]
    public async Task Reset_sends_an_RST_to_both_peers()
    {
        using var listener = Listen();
        await using var link = FaultyLink.Start((IPEndPoint)listener.LocalEndpoint);
        var (client, server) = await ConnectAsync(link, listener);
        using (client)
        using (server)
        {
            link.Reset();

            Assert.Equal(SocketError.ConnectionReset, await ReceiveErrorAsync(client));
            Assert.Equal(SocketError.ConnectionReset, await ReceiveErrorAsync(server));
            await link.Completed.WaitAsync(Timeout);
        }
    }

    [Fact]
    public async Task Half_open_closes_the_client_at_once_and_keeps_the_server_writing_into_silence_until_it_gives_up()
    {
        using var listener = Listen();
        await using var link = FaultyLink.Start((IPEndPoint)listener.LocalEndpoint);
        var (client, server) = await ConnectAsync(link, listener);
        using (client)
        using (server)
        {
            link.HalfOpen();

            // The client's end is gone: it reads the end of the stream and would reconnect.
            Assert.Equal(0, await ReceiveAsync(client));
            // The server sees neither an end nor a reset, and everything it writes is taken and lost.
            var pending = server.ReceiveAsync(new byte[16], SocketFlags.None);
            var chunk = new byte[64 * 1024];
            for (var i = 0; i < 64; i++)
            {
                Assert.Equal(chunk.Length, await server.SendAsync(chunk, SocketFlags.None).WaitAsync(Timeout));
            }
            await Task.Delay(300);
            Assert.False(pending.IsCompleted, "the server's leg stays silent: no FIN, no RST, no bytes");
            Assert.False(link.Completed.IsCompleted, "the link holds the server's leg open");
            Assert.False(link.UpstreamClosed);

            // The server's keep-alive gives up: the link lets go of its leg.
            server.Shutdown(SocketShutdown.Both);
            await link.Completed.WaitAsync(Timeout);
            Assert.True(link.UpstreamClosed);
        }
    }

    [Fact]
    public async Task A_link_to_a_dead_server_refuses_the_client()
    {
        int port;
        using (var gone = Listen())
        {
            port = ((IPEndPoint)gone.LocalEndpoint).Port;
        }
        await using var link = FaultyLink.Start(new IPEndPoint(IPAddress.Loopback, port));
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        // The reset may come before the client's connect call even returns.
        var error = await Record.ExceptionAsync(async () =>
        {
            await client.ConnectAsync(IPAddress.Loopback, link.Port);
            await ReceiveAsync(client);
        });
        Assert.Equal(SocketError.ConnectionReset, Assert.IsType<SocketException>(error).SocketErrorCode);
        await link.Completed.WaitAsync(Timeout);
    }

    private static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private static async Task<(Socket Client, Socket Server)> ConnectAsync(FaultyLink link, TcpListener listener)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, link.Port);
        using var timeout = new CancellationTokenSource(Timeout);
        var server = await listener.AcceptSocketAsync(timeout.Token);
        return (client, server);
    }

    private static async Task<int> ReceiveAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        return await socket.ReceiveAsync(new byte[16], SocketFlags.None, timeout.Token);
    }

    private static async Task<string> ReadAsync(Socket socket, int length)
    {
        var buffer = new byte[length];
        var read = 0;
        while (read < length)
        {
            using var timeout = new CancellationTokenSource(Timeout);
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, timeout.Token);
            Assert.NotEqual(0, n);
            read += n;
        }
        return Encoding.ASCII.GetString(buffer);
    }

    /// <summary>The error a read ends with; fails when it ends without one (a FIN, or bytes).</summary>
    private static async Task<SocketError> ReceiveErrorAsync(Socket socket)
    {
        try
        {
            var read = await ReceiveAsync(socket);
            Assert.Fail($"expected a reset, the read returned {read}");
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
        return SocketError.Success;
    }
}
