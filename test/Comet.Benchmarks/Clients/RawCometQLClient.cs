using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Comet.Benchmarks.Clients;

/// <summary>
/// A hand-written MySQL-protocol client for CometQL throughput: mysql_native_password login, then
/// COM_QUERY packets sent in batches without waiting (pipelining) and their answers read in order.
/// It measures the server, not a driver: MySql.Data waits for every answer and costs more CPU per
/// statement than the gateway does. Blocking sockets: each client runs on a thread of its own.
/// </summary>
internal sealed class RawCometQLClient : IStatementSink
{
    private const uint Capabilities = 0x1 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x80000;
    private readonly Socket _socket;
    private readonly byte[] _read = new byte[64 * 1024];
    private int _readStart;
    private int _readEnd;
    private readonly string[] _single = new string[1];
    private byte[] _write = new byte[64 * 1024];

    private RawCometQLClient(Socket socket) => _socket = socket;

    public static RawCometQLClient Open(IPEndPoint server, string user, string password, string database)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var client = new RawCometQLClient(socket);
        try
        {
            socket.Connect(server);
            client.Login(user, password, database);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Sends every statement at once, then reads every answer. Returns how many failed; the
    /// first error's text goes to <paramref name="firstError"/>.</summary>
    public int RunBatch(IReadOnlyList<string> statements, ref string? firstError)
    {
        var length = 0;
        foreach (var sql in statements)
        {
            var bytes = Encoding.UTF8.GetByteCount(sql);
            Grow(length + 5 + bytes);
            WriteHeader(_write.AsSpan(length), bytes + 1, 0);
            _write[length + 4] = 0x03; // COM_QUERY
            Encoding.UTF8.GetBytes(sql, _write.AsSpan(length + 5));
            length += 5 + bytes;
        }
        SendAll(_write.AsSpan(0, length));
        var failed = 0;
        for (var i = 0; i < statements.Count; i++)
        {
            if (!ReadResult(out var error))
            {
                failed++;
                firstError ??= error;
            }
        }
        return failed;
    }

    /// <summary>One statement, one round trip; a server error becomes a <see cref="CometQLErrorException"/>.</summary>
    public void Execute(string sql)
    {
        string? error = null;
        _single[0] = sql;
        if (RunBatch(_single, ref error) > 0)
        {
            throw new CometQLErrorException(error ?? "error");
        }
    }

    public void Dispose() => _socket.Dispose();

    private void Login(string user, string password, string database)
    {
        var greeting = ReadPacket().ToArray();
        if (greeting[0] == 0xFF)
        {
            throw new IOException("The server refused the connection: " + ErrorText(greeting));
        }
        var at = Array.IndexOf(greeting, (byte)0, 1) + 1 + 4;
        var scramble = new byte[20];
        greeting.AsSpan(at, 8).CopyTo(scramble);
        at += 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10;
        greeting.AsSpan(at, 12).CopyTo(scramble.AsSpan(8));

        var packet = new List<byte>(128);
        packet.AddRange(BitConverter.GetBytes(Capabilities));
        packet.AddRange(BitConverter.GetBytes(16 * 1024 * 1024));
        packet.Add(45); // utf8mb4_general_ci
        packet.AddRange(new byte[23]);
        packet.AddRange(Encoding.UTF8.GetBytes(user));
        packet.Add(0);
        var proof = NativeProof(password, scramble);
        packet.Add((byte)proof.Length);
        packet.AddRange(proof);
        packet.AddRange(Encoding.UTF8.GetBytes(database));
        packet.Add(0);
        packet.AddRange("mysql_native_password\0"u8.ToArray());
        SendPacket([.. packet], 1);

        var answer = ReadPacket().ToArray();
        if (answer[0] == 0xFE)
        {
            // Auth switch: plugin name, then a new scramble; answer with mysql_native_password.
            var nameEnd = Array.IndexOf(answer, (byte)0, 1);
            var newScramble = answer.AsSpan(nameEnd + 1, 20).ToArray();
            SendPacket(NativeProof(password, newScramble), 3);
            answer = ReadPacket().ToArray();
        }
        if (answer[0] != 0x00)
        {
            throw new IOException("CometQL login failed: " + (answer[0] == 0xFF ? ErrorText(answer) : $"packet 0x{answer[0]:X2}"));
        }
    }

    /// <summary>Reads one statement's answer: OK, ERR, or a whole result set (columns, EOF, rows, EOF).</summary>
    private bool ReadResult(out string? error)
    {
        error = null;
        var first = ReadPacket();
        switch (first[0])
        {
            case 0x00:
                return true;
            case 0xFF:
                error = ErrorText(first);
                return false;
        }
        var eofs = 0;
        while (eofs < 2)
        {
            var packet = ReadPacket();
            if (packet[0] == 0xFE && packet.Length < 9)
            {
                eofs++;
            }
            else if (packet[0] == 0xFF)
            {
                error = ErrorText(packet);
                return false;
            }
        }
        return true;
    }

    private static string ErrorText(ReadOnlySpan<byte> packet)
    {
        var code = BinaryPrimitives.ReadUInt16LittleEndian(packet[1..]);
        var text = packet.Length > 9 && packet[3] == (byte)'#' ? packet[9..] : packet[3..];
        return $"{code}: {Encoding.UTF8.GetString(text)}";
    }

    private static byte[] NativeProof(string password, byte[] scramble)
    {
        if (password.Length == 0)
        {
            return [];
        }
#pragma warning disable CA5350 // mysql_native_password is defined with SHA1; this is the protocol, not our choice.
        var stage1 = SHA1.HashData(Encoding.UTF8.GetBytes(password));
        var stage2 = SHA1.HashData(stage1);
        var mix = SHA1.HashData([.. scramble, .. stage2]);
#pragma warning restore CA5350
        for (var i = 0; i < mix.Length; i++)
        {
            mix[i] ^= stage1[i];
        }
        return mix;
    }

    private void SendPacket(byte[] payload, byte sequence)
    {
        var frame = new byte[4 + payload.Length];
        WriteHeader(frame, payload.Length, sequence);
        payload.CopyTo(frame, 4);
        SendAll(frame);
    }

    private static void WriteHeader(Span<byte> destination, int length, byte sequence)
    {
        destination[0] = (byte)length;
        destination[1] = (byte)(length >> 8);
        destination[2] = (byte)(length >> 16);
        destination[3] = sequence;
    }

    private void SendAll(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            bytes = bytes[_socket.Send(bytes)..];
        }
    }

    /// <summary>The next packet's payload, valid until the next read (payloads here stay below 64 KB).</summary>
    private ReadOnlySpan<byte> ReadPacket()
    {
        while (true)
        {
            var available = _readEnd - _readStart;
            if (available >= 4)
            {
                var length = _read[_readStart] | (_read[_readStart + 1] << 8) | (_read[_readStart + 2] << 16);
                if (length + 4 > _read.Length)
                {
                    throw new IOException($"A {length}-byte packet is larger than the benchmark client reads.");
                }
                if (available >= 4 + length)
                {
                    var payload = _read.AsSpan(_readStart + 4, length);
                    _readStart += 4 + length;
                    return payload;
                }
            }
            if (_readStart > 0)
            {
                _read.AsSpan(_readStart, available).CopyTo(_read);
                _readStart = 0;
                _readEnd = available;
            }
            var received = _socket.Receive(_read.AsSpan(_readEnd));
            if (received == 0)
            {
                throw new IOException("The server closed the CometQL connection.");
            }
            _readEnd += received;
        }
    }

    private void Grow(int needed)
    {
        if (needed > _write.Length)
        {
            Array.Resize(ref _write, Math.Max(needed, _write.Length * 2));
        }
    }
}
