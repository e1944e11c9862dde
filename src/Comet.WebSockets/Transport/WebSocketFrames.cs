using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;

namespace Comet.WebSockets.Transport;

/// <summary>RFC 6455 framing as the server writes it: unmasked frames, written straight into the
/// connection's output pipe (no intermediate buffer, no per-frame allocation).</summary>
internal static class WebSocketFrames
{
    public const byte Continuation = 0x0;
    public const byte Text = 0x1;
    public const byte Binary = 0x2;
    public const byte Close = 0x8;
    public const byte Ping = 0x9;
    public const byte Pong = 0xA;

    /// <summary>The longest payload of a control frame (ping, pong, close).</summary>
    public const int MaxControlPayload = 125;

    private const byte Fin = 0x80;
    private const int SmallFrame = 4096;
    private static readonly byte[] AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8.ToArray();

    /// <summary>Writes one final frame (FIN set) with the given opcode and payload.</summary>
    public static void Write(PipeWriter output, byte opcode, ReadOnlySpan<byte> payload)
    {
        var headerLength = payload.Length < 126 ? 2 : payload.Length <= ushort.MaxValue ? 4 : 10;
        if (headerLength + payload.Length <= SmallFrame)
        {
            // The common case: header and payload in one span of the pipe's current block.
            var span = output.GetSpan(headerLength + payload.Length);
            WriteHeader(span, opcode, payload.Length);
            payload.CopyTo(span[headerLength..]);
            output.Advance(headerLength + payload.Length);
            return;
        }
        WriteHeader(output.GetSpan(headerLength), opcode, payload.Length);
        output.Advance(headerLength);
        output.Write(payload);
    }

    /// <summary>Writes a close frame with a status code and a reason cut to the control-frame limit.</summary>
    public static void WriteClose(PipeWriter output, int code, string reason)
    {
        Span<byte> payload = stackalloc byte[MaxControlPayload];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code);
        var length = 2 + Utf8Prefix(reason, payload[2..]);
        Write(output, Close, payload[..length]);
    }

    /// <summary>The <c>Sec-WebSocket-Accept</c> value for a client's <c>Sec-WebSocket-Key</c>.</summary>
    public static string AcceptKey(ReadOnlySpan<char> key)
    {
        Span<byte> input = stackalloc byte[64 + 36];
        var length = Encoding.ASCII.GetBytes(key.Trim(), input);
        AcceptGuid.CopyTo(input[length..]);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
#pragma warning disable CA5350 // SHA-1 is what RFC 6455 prescribes for the handshake; it protects nothing.
        SHA1.HashData(input[..(length + AcceptGuid.Length)], hash);
#pragma warning restore CA5350
        return Convert.ToBase64String(hash);
    }

    /// <summary>True for a <c>Sec-WebSocket-Key</c> RFC 6455 accepts: base64 of 16 bytes.</summary>
    public static bool IsValidKey(ReadOnlySpan<char> key)
    {
        Span<byte> decoded = stackalloc byte[18];
        key = key.Trim();
        return key.Length == 24 && Convert.TryFromBase64Chars(key, decoded, out var written) && written == 16;
    }

    private static void WriteHeader(Span<byte> span, byte opcode, int length)
    {
        span[0] = (byte)(Fin | opcode);
        if (length < 126)
        {
            span[1] = (byte)length;
        }
        else if (length <= ushort.MaxValue)
        {
            span[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)length);
        }
        else
        {
            span[1] = 127;
            BinaryPrimitives.WriteUInt64BigEndian(span[2..], (ulong)length);
        }
    }

    /// <summary>Encodes as many whole characters of <paramref name="text"/> as fit.</summary>
    private static int Utf8Prefix(string text, Span<byte> destination)
    {
        var encoder = Encoding.UTF8.GetEncoder();
        encoder.Convert(text, destination, flush: true, out _, out var written, out _);
        return written;
    }
}
