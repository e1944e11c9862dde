using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Comet.Benchmarks.Clients;

/// <summary>
/// A minimal RFC 6455 client for load generation: one socket bound to a chosen loopback source
/// address, one small receive buffer, frames parsed in place, no allocation per received message.
/// ClientWebSocket would cost an HttpClient handler, a larger buffer and a message copy per
/// connection; with 20,000 connections on two shared cores the generator must stay cheap.
/// </summary>
internal sealed class WsClient : IDisposable
{
    private const int MaxFrameBytes = 1 << 20;
    private const int OpText = 1;
    private const int OpClose = 8;
    private const int OpPing = 9;
    private const int OpPong = 10;

    private readonly Socket _socket;
    private byte[] _buffer;
    private int _start;
    private int _end;

    private WsClient(Socket socket, int bufferSize)
    {
        _socket = socket;
        _buffer = new byte[bufferSize];
    }

    /// <summary>The first message the server sent (serverInfo), as text.</summary>
    public string ServerInfo { get; private set; } = "";

    /// <summary>Connects, upgrades and waits for the serverInfo message: a connection a user could use.</summary>
    public static async Task<WsClient> ConnectAsync(IPEndPoint server, IPAddress source, string pathAndQuery, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var client = new WsClient(socket, 2048);
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(server, cancellationToken);
            var request = $"GET {pathAndQuery} HTTP/1.1\r\nHost: {server}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
            await SendAllAsync(socket, Encoding.ASCII.GetBytes(request), cancellationToken);
            await client.ReadUpgradeResponseAsync(cancellationToken);
            var (opcode, payload) = await client.ReadFrameAsync(cancellationToken);
            if (opcode != OpText)
            {
                throw new IOException($"Expected the serverInfo text frame first, got opcode {opcode}.");
            }
            client.ServerInfo = Encoding.UTF8.GetString(payload.Span);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Sends one text frame (masked with a zero key: valid, and the payload needs no copy-and-xor).</summary>
    public Task SendTextAsync(string text, CancellationToken cancellationToken) =>
        SendFrameAsync(OpText, Encoding.UTF8.GetBytes(text), cancellationToken);

    /// <summary>Reads frames until the connection ends or is cancelled, passing each text payload to
    /// <paramref name="onText"/> (valid only during the call). Answers pings. Never throws.</summary>
    public async Task RunAsync(Action<ReadOnlyMemory<byte>> onText, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var (opcode, payload) = await ReadFrameAsync(cancellationToken);
                switch (opcode)
                {
                    case OpClose:
                        return;
                    case OpPing:
                        await SendFrameAsync(OpPong, payload.ToArray(), cancellationToken);
                        break;
                    case OpPong:
                        break;
                    default:
                        onText(payload);
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    /// <summary>Sends a close frame (1000) and drops the socket without waiting for the answer, as a
    /// browser closing a tab does.</summary>
    public async Task CloseAsync()
    {
        try
        {
            await SendFrameAsync(OpClose, [0x03, 0xE8], CancellationToken.None);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        Dispose();
    }

    public void Dispose() => _socket.Dispose();

    private async Task SendFrameAsync(int opcode, byte[] payload, CancellationToken cancellationToken)
    {
        var header = payload.Length < 126 ? 2 : 4;
        if (payload.Length > ushort.MaxValue)
        {
            throw new ArgumentException("The benchmark client sends frames below 64 KB only.", nameof(payload));
        }
        var frame = new byte[header + 4 + payload.Length];
        frame[0] = (byte)(0x80 | opcode);
        if (header == 2)
        {
            frame[1] = (byte)(0x80 | payload.Length);
        }
        else
        {
            frame[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
        }
        payload.CopyTo(frame, header + 4);
        await SendAllAsync(_socket, frame, cancellationToken);
    }

    private static async Task SendAllAsync(Socket socket, byte[] bytes, CancellationToken cancellationToken)
    {
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None, cancellationToken);
        }
    }

    private async Task ReadUpgradeResponseAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var headerEnd = _buffer.AsSpan(0, _end).IndexOf("\r\n\r\n"u8);
            if (headerEnd >= 0)
            {
                if (!_buffer.AsSpan(0, _end).StartsWith("HTTP/1.1 101"u8))
                {
                    var status = Encoding.ASCII.GetString(_buffer, 0, Math.Min(_end, 200)).Split('\r')[0];
                    throw new IOException($"The server refused the WebSocket upgrade: {status}");
                }
                _start = headerEnd + 4;
                return;
            }
            await FillAsync(cancellationToken);
        }
    }

    /// <summary>The next whole frame; its payload stays valid until the next read.</summary>
    private async ValueTask<(int Opcode, ReadOnlyMemory<byte> Payload)> ReadFrameAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryParseFrame(out var opcode, out var payloadStart, out var payloadLength))
            {
                _start = payloadStart + payloadLength;
                return (opcode, _buffer.AsMemory(payloadStart, payloadLength));
            }
            await FillAsync(cancellationToken);
        }
    }

    private bool TryParseFrame(out int opcode, out int payloadStart, out int payloadLength)
    {
        opcode = 0;
        payloadStart = 0;
        payloadLength = 0;
        var available = _buffer.AsSpan(_start, _end - _start);
        if (available.Length < 2)
        {
            return false;
        }
        opcode = available[0] & 0x0F;
        var masked = (available[1] & 0x80) != 0;
        long length = available[1] & 0x7F;
        var header = 2;
        if (length == 126)
        {
            if (available.Length < 4)
            {
                return false;
            }
            length = BinaryPrimitives.ReadUInt16BigEndian(available[2..]);
            header = 4;
        }
        else if (length == 127)
        {
            if (available.Length < 10)
            {
                return false;
            }
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(available[2..]);
            header = 10;
        }
        if (masked)
        {
            throw new IOException("The server sent a masked frame (RFC 6455 5.1 forbids it).");
        }
        if (length > MaxFrameBytes)
        {
            throw new IOException($"The server sent a frame of {length} bytes.");
        }
        if (available.Length < header + length)
        {
            EnsureRoom(header + (int)length);
            return false;
        }
        payloadStart = _start + header;
        payloadLength = (int)length;
        return true;
    }

    /// <summary>Makes the buffer able to hold a frame of <paramref name="frameBytes"/> from its start.</summary>
    private void EnsureRoom(int frameBytes)
    {
        if (frameBytes > _buffer.Length)
        {
            var bigger = new byte[Math.Max(frameBytes, _buffer.Length * 2)];
            _buffer.AsSpan(_start, _end - _start).CopyTo(bigger);
            _end -= _start;
            _start = 0;
            _buffer = bigger;
        }
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0 && (_start == _end || _end == _buffer.Length))
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            EnsureRoom(_buffer.Length * 2);
        }
        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        if (read == 0)
        {
            throw new IOException("The server closed the connection.");
        }
        _end += read;
    }
}
