using System.Net.Sockets;
using System.Text;

namespace Comet.Hardening.Tests.Faults;

/// <summary>
/// A WebSocket client at the TCP level, for clients no library would be: one that upgrades and then
/// never reads again (a half-open peer), one that sends a frame header announcing a terabyte, or one
/// that never finishes its handshake.
/// </summary>
internal sealed class RawWebSocket : IDisposable
{
    private RawWebSocket(TcpClient tcp)
    {
        Tcp = tcp;
        Stream = tcp.GetStream();
    }

    public TcpClient Tcp { get; }

    public NetworkStream Stream { get; }

    /// <summary>Opens a TCP connection and sends <paramref name="request"/> as it is.</summary>
    public static async Task<RawWebSocket> SendRequestAsync(int port, string request)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var raw = new RawWebSocket(tcp);
        await raw.Stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        return raw;
    }

    /// <summary>The start of an upgrade request (no blank line yet) for the CppComet path.</summary>
    public static string UpgradeHead(string path) =>
        $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

    /// <summary>Upgrades and reads the 101 answer; after that the caller decides whether to read at all.</summary>
    public static async Task<RawWebSocket> UpgradeAsync(int port, string path)
    {
        var raw = await SendRequestAsync(port, UpgradeHead(path) + "\r\n");
        var head = await raw.ReadHeadAsync();
        Assert.StartsWith("HTTP/1.1 101", head, StringComparison.Ordinal);
        return raw;
    }

    /// <summary>Sends a masked client frame header (FIN, <paramref name="opcode"/>) announcing <paramref name="length"/> bytes.</summary>
    public Task SendFrameHeaderAsync(byte opcode, long length, bool fin = true)
    {
        var header = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        if (length < 126)
        {
            header.Add((byte)(0x80 | length));
        }
        else if (length <= ushort.MaxValue)
        {
            header.AddRange([0x80 | 126, (byte)(length >> 8), (byte)length]);
        }
        else
        {
            header.Add(0x80 | 127);
            for (var shift = 56; shift >= 0; shift -= 8)
            {
                header.Add((byte)(length >> shift));
            }
        }
        header.AddRange([0, 0, 0, 0]); // mask key 0: the payload goes as it is
        return Stream.WriteAsync(header.ToArray()).AsTask();
    }

    /// <summary>Sends one whole masked text frame.</summary>
    public async Task SendTextAsync(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        await SendFrameHeaderAsync(0x1, payload.Length);
        await Stream.WriteAsync(payload);
    }

    /// <summary>Reads until the server closes the TCP connection (0 bytes or a reset); false on timeout.</summary>
    public async Task<bool> WaitForServerToCloseAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        try
        {
            while (await Stream.ReadAsync(buffer, cancel.Token) > 0)
            {
            }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true; // reset by the server
        }
    }

    private async Task<string> ReadHeadAsync()
    {
        var head = new StringBuilder();
        var one = new byte[1];
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await Stream.ReadAsync(one, cancel.Token) == 0)
            {
                break;
            }
            head.Append((char)one[0]);
        }
        return head.ToString();
    }

    public void Dispose() => Tcp.Dispose();
}
