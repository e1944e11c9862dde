using System.Net.Sockets;
using Comet.CometQL.Auth;
using Comet.CometQL.Protocol;

namespace Comet.Fuzz.Tests.Support;

/// <summary>
/// A MySQL client on a bare socket, so a test can send any bytes at all (a driver would refuse to).
/// It reads whole packets, logs in with mysql_native_password, and reports a close as null.
/// </summary>
internal sealed class RawMySqlClient : IAsyncDisposable
{
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(15);

    public const CapabilityFlags LoginCapabilities = CapabilityFlags.Protocol41 | CapabilityFlags.LongPassword | CapabilityFlags.SecureConnection
        | CapabilityFlags.PluginAuth | CapabilityFlags.MultiStatements | CapabilityFlags.MultiResults | CapabilityFlags.ConnectWithDb;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    private RawMySqlClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>The 20-byte scramble of the greeting.</summary>
    public byte[] Scramble { get; private set; } = [];

    /// <summary>Connects and reads the greeting.</summary>
    public static async Task<RawMySqlClient> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(ReadTimeout);
            await socket.ConnectAsync("127.0.0.1", port, timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var client = new RawMySqlClient(socket);
        try
        {
            var greeting = await client.ReadPacketAsync() ?? throw new InvalidOperationException("The server closed the connection before its greeting.");
            client.Scramble = ParseScramble(greeting.Payload);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
        return client;
    }

    /// <summary>A handshake response that logs in as <paramref name="devId"/> with <paramref name="key"/>.</summary>
    public byte[] LoginPacket(string devId, string key) => MySqlWire.Frame(new MySqlWire()
        .UInt32((uint)LoginCapabilities).UInt32(1 << 24).Byte(45).Zeros(23).NullTerminated(devId)
        .Byte(NativePassword.TokenLength).Bytes(NativePassword.ComputeToken(key, Scramble))
        .NullTerminated("CometQL_v1").NullTerminated(AuthPlugins.NativePassword).ToArray(), 1);

    /// <summary>Logs in; throws unless the server answers OK.</summary>
    public async Task LoginAsync(string devId, string key)
    {
        await SendAsync(LoginPacket(devId, key));
        var answer = await ReadPacketAsync() ?? throw new InvalidOperationException("The server closed the connection instead of answering the login.");
        if (answer.Payload.Length == 0 || answer.Payload[0] != 0x00)
        {
            throw new InvalidOperationException("The login was refused: " + Convert.ToHexString(answer.Payload));
        }
    }

    public async Task SendAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        await _stream.WriteAsync(bytes, timeout.Token);
    }

    /// <summary>Tells the server nothing more will come (it must then answer what it got and close).</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>The next whole packet; null when the server closed (or reset) the connection.</summary>
    public async Task<(byte SequenceId, byte[] Payload)?> ReadPacketAsync()
    {
        var header = new byte[4];
        if (!await ReadExactlyAsync(header, allowEnd: true))
        {
            return null;
        }
        var payload = new byte[header[0] | (header[1] << 8) | (header[2] << 16)];
        if (!await ReadExactlyAsync(payload, allowEnd: false))
        {
            throw new InvalidOperationException("The server closed the connection in the middle of a packet.");
        }
        return (header[3], payload);
    }

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync();

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
                return read == 0 && allowEnd ? false : throw new InvalidOperationException("The server closed the connection in the middle of a packet.");
            }
            read += n;
        }
        return true;
    }

    private static byte[] ParseScramble(byte[] greeting)
    {
        var versionEnd = Array.IndexOf(greeting, (byte)0, 1);
        var part1 = greeting.AsSpan(versionEnd + 1 + 4, 8);
        var authLength = greeting[versionEnd + 1 + 4 + 8 + 1 + 2 + 1 + 2 + 2];
        var part2Start = versionEnd + 1 + 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10;
        var part2 = greeting.AsSpan(part2Start, Math.Max(13, authLength - 8) - 1);
        return [.. part1, .. part2];
    }
}
