using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Xunit;

namespace Comet.Testing.Clients;

/// <summary>
/// A WebSocket client on a bare TCP socket: it sees the server's HTTP answer to the upgrade exactly
/// (status, headers, body of a refusal), sends masked text frames, and can stop reading altogether,
/// which no library client allows (a stalled browser tab, a client on a dead network); it can also
/// leave its handshake unfinished or send a frame header announcing a terabyte.
/// </summary>
public sealed class RawWebSocket : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly TcpClient _tcp;

    private RawWebSocket(TcpClient tcp, int status, string head, string body)
    {
        _tcp = tcp;
        Status = status;
        Head = head;
        Body = body;
    }

    /// <summary>The HTTP status of the answer: 101 when the upgrade was accepted.</summary>
    public int Status { get; }

    /// <summary>The status line and headers.</summary>
    public string Head { get; }

    /// <summary>The body of a refusal, read until the server closed (empty after 101).</summary>
    public string Body { get; }

    /// <summary>The connection's stream, for bytes no well-behaved client would send.</summary>
    public NetworkStream Stream => _tcp.GetStream();

    /// <summary>The start of an upgrade request (no blank line yet) for <paramref name="path"/>.</summary>
    public static string UpgradeHead(string path) =>
        $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

    /// <summary>Opens a connection and sends <paramref name="request"/> as it is, reading nothing (<see cref="Status"/> 0).</summary>
    public static async Task<RawWebSocket> SendRequestAsync(int port, string request)
    {
        var tcp = new TcpClient(AddressFamily.InterNetwork);
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            await tcp.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
        return new RawWebSocket(tcp, 0, "", "");
    }

    /// <summary><see cref="ConnectAsync"/> that insists on the upgrade (101).</summary>
    public static async Task<RawWebSocket> UpgradeAsync(int port, string path)
    {
        var raw = await ConnectAsync(port, path);
        Assert.Equal(101, raw.Status);
        return raw;
    }

    /// <summary>Sends the upgrade request for <paramref name="path"/> and reads the answer's head (and a refusal's body).</summary>
    /// <param name="receiveBufferSize">The socket's receive buffer; small for a client that will stop reading.</param>
    public static async Task<RawWebSocket> ConnectAsync(int port, string path, string? forwardedFor = null, int receiveBufferSize = 0)
    {
        var tcp = new TcpClient(AddressFamily.InterNetwork);
        try
        {
            if (receiveBufferSize > 0)
            {
                tcp.ReceiveBufferSize = receiveBufferSize;
            }
            using var timeout = new CancellationTokenSource(Timeout);
            await tcp.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            var stream = tcp.GetStream();
            var request = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n")
                .Append("Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n")
                .Append(CultureInfo.InvariantCulture, $"Sec-WebSocket-Key: {Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))}\r\n");
            if (forwardedFor is not null)
            {
                request.Append(CultureInfo.InvariantCulture, $"X-Forwarded-For: {forwardedFor}\r\n");
            }
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()), timeout.Token);
            var head = await ReadHeadAsync(stream, timeout.Token);
            var status = int.Parse(head.Split(' ')[1], CultureInfo.InvariantCulture);
            var body = status == 101 ? "" : await ReadToEndAsync(stream, timeout.Token);
            return new RawWebSocket(tcp, status, head, body);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>A header of the answer, or null.</summary>
    public string? Header(string name)
    {
        foreach (var line in Head.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && string.Equals(line[..colon], name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }
        return null;
    }

    /// <summary>Sends one masked text frame, as every client must.</summary>
    public async Task SendTextAsync(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var mask = RandomNumberGenerator.GetBytes(4);
        var frame = FrameHeader(0x1, payload.Length, fin: true, mask);
        for (var i = 0; i < payload.Length; i++)
        {
            frame.Add((byte)(payload[i] ^ mask[i % 4]));
        }
        using var timeout = new CancellationTokenSource(Timeout);
        await Stream.WriteAsync(frame.ToArray(), timeout.Token);
    }

    /// <summary>Sends only a frame header (<paramref name="opcode"/>, announcing <paramref name="length"/> bytes) with
    /// the mask key 0, so that whatever the caller writes next to <see cref="Stream"/> is the payload as it is.</summary>
    public async Task SendFrameHeaderAsync(byte opcode, long length, bool fin = true)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await Stream.WriteAsync(FrameHeader(opcode, length, fin, [0, 0, 0, 0]).ToArray(), timeout.Token);
    }

    /// <summary>Reads and discards everything until the server ends the connection; false if it is still open after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitUntilServerClosedAsync(TimeSpan timeout)
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
            return true;
        }
    }

    public void Dispose() => _tcp.Dispose();

    private static List<byte> FrameHeader(byte opcode, long length, bool fin, byte[] mask)
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
        header.AddRange(mask);
        return header;
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        // Byte by byte, so that nothing after the head (the greeting frame) is consumed.
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new IOException("The server closed the connection before it answered the upgrade: " + Encoding.ASCII.GetString(head.ToArray()));
            }
            head.Add(one[0]);
        }
        return Encoding.ASCII.GetString(head.ToArray());
    }

    private static async Task<string> ReadToEndAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        await stream.CopyToAsync(body, cancellationToken);
        return Encoding.UTF8.GetString(body.ToArray());
    }
}
