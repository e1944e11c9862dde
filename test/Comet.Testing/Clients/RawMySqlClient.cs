using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

using Xunit;

namespace Comet.Testing.Clients;

/// <summary>
/// A deliberately small MySQL client over a raw socket, for what real drivers never send: other
/// auth plugins, SSL requests, garbage, half packets, oversized packets, unknown commands, fuzzed bytes.
/// Every read has a deadline (<see cref="ReadTimeout"/>).
/// </summary>
public sealed class RawMySqlClient : IAsyncDisposable
{
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(15);

    /// <summary>CLIENT_MULTI_STATEMENTS | CLIENT_MULTI_RESULTS, for <see cref="LoginAsync"/>'s extra capabilities.</summary>
    public const uint MultiStatements = 0x0001_0000 | 0x0002_0000;

    public const uint ClientCapabilities = 0x0000_0200 /* PROTOCOL_41 */ | 0x0000_8000 /* SECURE_CONNECTION */
        | 0x0008_0000 /* PLUGIN_AUTH */ | 0x0000_0008 /* CONNECT_WITH_DB */ | 0x0000_0001 /* LONG_PASSWORD */;

    private readonly TcpClient? _tcp;
    private readonly Stream _stream;

    private RawMySqlClient(TcpClient? tcp, Stream stream)
    {
        _tcp = tcp;
        _stream = stream;
    }

    public byte[] Greeting { get; private set; } = [];
    public uint ServerCapabilities { get; private set; }
    public string ServerVersion { get; private set; } = "";
    public string AuthPlugin { get; private set; } = "";
    public byte[] Scramble { get; private set; } = [];

    public static async Task<RawMySqlClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(ReadTimeout);
            await tcp.ConnectAsync("127.0.0.1", port, timeout.Token);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
        return await StartAsync(new RawMySqlClient(tcp, tcp.GetStream()));
    }

    /// <summary>A client over any stream (an in-memory connection to a session under test).</summary>
    public static Task<RawMySqlClient> ConnectAsync(Stream stream) => StartAsync(new RawMySqlClient(null, stream));

    private static async Task<RawMySqlClient> StartAsync(RawMySqlClient client)
    {
        try
        {
            var (_, greeting) = await client.ReadPacketAsync();
            client.ParseGreeting(greeting);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
        return client;
    }

    private void ParseGreeting(byte[] g)
    {
        Greeting = g;
        var i = 1;
        var end = Array.IndexOf(g, (byte)0, i);
        ServerVersion = Encoding.UTF8.GetString(g, i, end - i);
        i = end + 1 + 4;
        var part1 = g[i..(i + 8)];
        i += 9;
        var lower = BinaryPrimitives.ReadUInt16LittleEndian(g.AsSpan(i));
        i += 2 + 1 + 2;
        var upper = BinaryPrimitives.ReadUInt16LittleEndian(g.AsSpan(i));
        i += 2;
        var authLength = g[i];
        i += 1 + 10;
        var part2Length = Math.Max(13, authLength - 8) - 1;
        var part2 = g[i..(i + part2Length)];
        i += part2Length + 1;
        end = Array.IndexOf(g, (byte)0, i);
        AuthPlugin = Encoding.UTF8.GetString(g, i, end - i);
        ServerCapabilities = lower | ((uint)upper << 16);
        Scramble = [.. part1, .. part2];
    }

    /// <summary>Sends a HandshakeResponse41 with the given plugin name and auth bytes; returns the answer.</summary>
    public async Task<byte[]> SendLoginAsync(string user, byte[] auth, string plugin, string? database = "CometQL_v1", uint extraCapabilities = 0)
    {
        var payload = new List<byte>();
        var capabilities = ClientCapabilities | extraCapabilities;
        payload.AddRange(BitConverter.GetBytes(capabilities));
        payload.AddRange(BitConverter.GetBytes(16 * 1024 * 1024));
        payload.Add(45);
        payload.AddRange(new byte[23]);
        payload.AddRange(Encoding.UTF8.GetBytes(user));
        payload.Add(0);
        payload.Add((byte)auth.Length);
        payload.AddRange(auth);
        payload.AddRange(Encoding.UTF8.GetBytes(database ?? ""));
        payload.Add(0);
        payload.AddRange(Encoding.UTF8.GetBytes(plugin));
        payload.Add(0);
        await WritePacketAsync(1, [.. payload]);
        return (await ReadPacketAsync()).Payload;
    }

    /// <summary>Logs in with mysql_native_password; asserts OK.</summary>
    public async Task LoginAsync(string user = "root", string password = TestGateway.Password, uint extraCapabilities = 0)
    {
        var answer = await SendLoginAsync(user, NativeToken(password, Scramble), "mysql_native_password", extraCapabilities: extraCapabilities);
        Assert.Equal(0x00, answer[0]);
    }

    public async Task<byte[]> CommandAsync(byte command, byte[] body)
    {
        await WritePacketAsync(0, [command, .. body]);
        return (await ReadPacketAsync()).Payload;
    }

    public Task<byte[]> QueryAsync(string sql) => CommandAsync(0x03, Encoding.UTF8.GetBytes(sql));

    public async Task WritePacketAsync(byte sequence, byte[] payload)
    {
        await WriteRawAsync([(byte)payload.Length, (byte)(payload.Length >> 8), (byte)(payload.Length >> 16), sequence, .. payload]);
    }

    public async Task WriteRawAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        await _stream.WriteAsync(bytes, timeout.Token);
        await _stream.FlushAsync(timeout.Token);
    }

    /// <summary>Tells the server nothing more will come (it must then answer what it got and close).</summary>
    public void ShutdownSend() => (_tcp ?? throw new InvalidOperationException("Not a socket.")).Client.Shutdown(SocketShutdown.Send);

    /// <summary>The next whole packet; throws when the server closed the connection.</summary>
    public async Task<(byte Sequence, byte[] Payload)> ReadPacketAsync() =>
        await TryReadPacketAsync() ?? throw new InvalidOperationException("The server closed the connection.");

    /// <summary>The next whole packet; null when the server closed (or reset) the connection between packets.</summary>
    public async Task<(byte Sequence, byte[] Payload)?> TryReadPacketAsync()
    {
        var header = new byte[4];
        if (!await ReadExactlyAsync(header, allowEnd: true))
        {
            return null;
        }
        var payload = new byte[header[0] | (header[1] << 8) | (header[2] << 16)];
        await ReadExactlyAsync(payload, allowEnd: false);
        return (header[3], payload);
    }

    /// <summary>Reads a result set's remaining packets after the column count; returns the text rows' first values.</summary>
    public async Task<List<byte[]>> ReadResultSetAsync(byte[] first)
    {
        var columns = first[0];
        for (var i = 0; i < columns; i++)
        {
            await ReadPacketAsync();
        }
        Assert.Equal(0xFE, (await ReadPacketAsync()).Payload[0]);
        var rows = new List<byte[]>();
        while (true)
        {
            var (_, row) = await ReadPacketAsync();
            if (row[0] == 0xFE && row.Length < 9)
            {
                return rows;
            }
            rows.Add(row);
        }
    }

    /// <summary>True when the server closed the connection (a read returns 0 bytes or fails).</summary>
    public async Task<bool> IsClosedByServerAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var buffer = new byte[1];
            return await _stream.ReadAsync(buffer, timeout.Token) == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>The error code and message of an ERR packet.</summary>
    public static (int Code, string Message) Error(byte[] packet)
    {
        Assert.Equal(0xFF, packet[0]);
        return (BinaryPrimitives.ReadUInt16LittleEndian(packet.AsSpan(1)), Encoding.UTF8.GetString(packet, 9, packet.Length - 9));
    }

    public static byte[] NativeToken(string password, byte[] scramble)
    {
#pragma warning disable CA5350 // the protocol defines SHA1
        var stage1 = SHA1.HashData(Encoding.UTF8.GetBytes(password));
        var mask = SHA1.HashData([.. scramble, .. SHA1.HashData(stage1)]);
#pragma warning restore CA5350
        for (var i = 0; i < stage1.Length; i++)
        {
            stage1[i] ^= mask[i];
        }
        return stage1;
    }

    public static byte[] Sha2Token(string password, byte[] scramble)
    {
        var stage1 = SHA256.HashData(Encoding.UTF8.GetBytes(password));
        var mask = SHA256.HashData([.. SHA256.HashData(stage1), .. scramble]);
        for (var i = 0; i < stage1.Length; i++)
        {
            stage1[i] ^= mask[i];
        }
        return stage1;
    }

    public ValueTask DisposeAsync()
    {
        _tcp?.Dispose();
        return _tcp is null ? _stream.DisposeAsync() : ValueTask.CompletedTask;
    }

    private async Task<bool> ReadExactlyAsync(byte[] buffer, bool allowEnd)
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        var read = 0;
        while (read < buffer.Length)
        {
            int n;
            try
            {
                n = await _stream.ReadAsync(buffer.AsMemory(read), timeout.Token);
            }
            catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
            {
                n = 0;
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The server neither answered nor closed the connection within {ReadTimeout.TotalSeconds} s.");
            }
            if (n == 0)
            {
                return read == 0 && allowEnd && buffer.Length > 0 ? false : throw new InvalidOperationException("The server closed the connection in the middle of a packet.");
            }
            read += n;
        }
        return true;
    }
}
