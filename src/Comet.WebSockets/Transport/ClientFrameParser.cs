using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Comet.WebSockets.Transport;

/// <summary>What one call to <see cref="ClientFrameParser.Parse"/> found.</summary>
internal enum ParsedKind
{
    /// <summary>No whole message yet: read more bytes.</summary>
    NeedMore,

    /// <summary>A complete text or binary message (<see cref="ClientFrameParser.TakeText"/>).</summary>
    Message,

    /// <summary>A complete message longer than the limit; its bytes were discarded as they came.</summary>
    Oversized,

    /// <summary>The client's close frame.</summary>
    Close,

    /// <summary>A frame RFC 6455 forbids (unmasked, reserved bits or opcodes, bad control frame).</summary>
    ProtocolError,
}

/// <summary>
/// Reads client frames (RFC 6455 §5) incrementally from whatever bytes have arrived: it assembles
/// fragmented messages up to the size limit in one pooled buffer, discards the bytes of longer ones as
/// they stream in (a frame announcing a terabyte costs nothing), and reports pings so the writer can
/// answer them. Between messages it holds no buffer.
/// </summary>
internal sealed class ClientFrameParser(int maxMessageSize)
{
    private const int MaxHeaderLength = 14;
    private const int InitialBuffer = 4096;

    private bool _inFrame;
    private bool _frameFin;
    private long _frameRemaining;
    private long _frameOffset;
    private uint _mask;
    private byte _messageOpcode;
    private byte[]? _assembly;
    private int _assembled;
    private bool _oversized;

    /// <summary>Set when a ping arrived: its payload, to be echoed in a pong (taken by the writer).</summary>
    public byte[]? PendingPong { get; set; }

    /// <summary>Why the last <see cref="ParsedKind.ProtocolError"/> was reported.</summary>
    public string ProtocolErrorReason { get; private set; } = "";

    /// <summary>
    /// Consumes frames from <paramref name="buffer"/> until a message, a close or an error is complete,
    /// or the bytes run out. On return <paramref name="buffer"/> starts at the first unconsumed byte.
    /// </summary>
    public ParsedKind Parse(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            if (!_inFrame)
            {
                var header = ReadHeader(buffer, out var kind);
                if (kind != ParsedKind.Message)
                {
                    return kind;
                }
                if (header.Opcode >= WebSocketFrames.Close)
                {
                    if (buffer.Length < header.Length + header.HeaderLength)
                    {
                        return ParsedKind.NeedMore;
                    }
                    var control = HandleControl(header, buffer.Slice(header.HeaderLength, header.Length));
                    buffer = buffer.Slice(header.HeaderLength + header.Length);
                    if (control != ParsedKind.NeedMore)
                    {
                        return control;
                    }
                    continue;
                }
                if (header.Opcode == WebSocketFrames.Continuation ? _messageOpcode == 0 : _messageOpcode != 0)
                {
                    return Error(header.Opcode == WebSocketFrames.Continuation
                        ? "A continuation frame without a message to continue."
                        : "A new message began before the previous one ended.");
                }
                if (header.Opcode != WebSocketFrames.Continuation)
                {
                    _messageOpcode = header.Opcode;
                }
                _inFrame = true;
                _frameFin = header.Fin;
                _frameRemaining = header.Length;
                _frameOffset = 0;
                _mask = header.Mask;
                buffer = buffer.Slice(header.HeaderLength);
            }

            if (_frameRemaining > 0)
            {
                if (buffer.IsEmpty)
                {
                    return ParsedKind.NeedMore;
                }
                var take = Math.Min(_frameRemaining, buffer.Length);
                Append(buffer.Slice(0, take));
                buffer = buffer.Slice(take);
                _frameRemaining -= take;
                _frameOffset += take;
                if (_frameRemaining > 0)
                {
                    return ParsedKind.NeedMore;
                }
            }
            _inFrame = false;
            if (_frameFin)
            {
                _messageOpcode = 0;
                return _oversized ? EndOversized() : ParsedKind.Message;
            }
        }
    }

    /// <summary>The message just parsed, decoded as UTF-8; releases its buffer.</summary>
    public string TakeText()
    {
        var text = _assembled == 0 ? "" : Encoding.UTF8.GetString(_assembly!, 0, _assembled);
        Release();
        return text;
    }

    /// <summary>Returns the pooled buffer (the connection ended).</summary>
    public void Release()
    {
        if (_assembly is not null)
        {
            ArrayPool<byte>.Shared.Return(_assembly);
            _assembly = null;
        }
        _assembled = 0;
    }

    private ParsedKind EndOversized()
    {
        _oversized = false;
        Release();
        return ParsedKind.Oversized;
    }

    private FrameHeader ReadHeader(ReadOnlySequence<byte> buffer, out ParsedKind kind)
    {
        Span<byte> bytes = stackalloc byte[MaxHeaderLength];
        var available = (int)Math.Min(MaxHeaderLength, buffer.Length);
        buffer.Slice(0, available).CopyTo(bytes);
        kind = ParsedKind.NeedMore;
        if (available < 2)
        {
            return default;
        }
        var fin = (bytes[0] & 0x80) != 0;
        var opcode = (byte)(bytes[0] & 0x0F);
        if ((bytes[0] & 0x70) != 0)
        {
            kind = Error("Reserved bits are set (no extension was negotiated).");
            return default;
        }
        if (opcode is not (WebSocketFrames.Continuation or WebSocketFrames.Text or WebSocketFrames.Binary
            or WebSocketFrames.Close or WebSocketFrames.Ping or WebSocketFrames.Pong))
        {
            kind = Error("A reserved opcode.");
            return default;
        }
        if ((bytes[1] & 0x80) == 0)
        {
            kind = Error("Client frames must be masked.");
            return default;
        }
        long length = bytes[1] & 0x7F;
        var headerLength = 2;
        if (length == 126)
        {
            headerLength = 4;
        }
        else if (length == 127)
        {
            headerLength = 10;
        }
        if (available < headerLength + 4)
        {
            return default;
        }
        length = headerLength switch
        {
            4 => BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]),
            10 => (long)BinaryPrimitives.ReadUInt64BigEndian(bytes[2..]),
            _ => length,
        };
        if (length < 0)
        {
            kind = Error("A frame length beyond 2^63.");
            return default;
        }
        if (opcode >= WebSocketFrames.Close && (!fin || length > WebSocketFrames.MaxControlPayload))
        {
            kind = Error("A control frame must be final and at most 125 bytes.");
            return default;
        }
        kind = ParsedKind.Message;
        return new FrameHeader(fin, opcode, length, BinaryPrimitives.ReadUInt32LittleEndian(bytes[headerLength..]), headerLength + 4);
    }

    private ParsedKind HandleControl(FrameHeader header, ReadOnlySequence<byte> masked)
    {
        Span<byte> payload = stackalloc byte[WebSocketFrames.MaxControlPayload];
        payload = payload[..(int)masked.Length];
        masked.CopyTo(payload);
        Unmask(payload, header.Mask, 0);
        switch (header.Opcode)
        {
            case WebSocketFrames.Ping:
                PendingPong = payload.ToArray();
                return ParsedKind.NeedMore;
            case WebSocketFrames.Pong:
                return ParsedKind.NeedMore;
            default:
                return payload.Length == 1 ? Error("A close frame with a one-byte payload.") : ParsedKind.Close;
        }
    }

    private void Append(ReadOnlySequence<byte> chunk)
    {
        if (_oversized)
        {
            return;
        }
        var length = (int)chunk.Length;
        if (_assembled + (long)length > maxMessageSize)
        {
            _oversized = true;
            Release();
            return;
        }
        if (_assembly is null || _assembled + length > _assembly.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(Math.Max(InitialBuffer, (_assembled + length) * 2), maxMessageSize));
            if (_assembly is not null)
            {
                _assembly.AsSpan(0, _assembled).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_assembly);
            }
            _assembly = bigger;
        }
        var target = _assembly.AsSpan(_assembled, length);
        chunk.CopyTo(target);
        Unmask(target, _mask, _frameOffset);
        _assembled += length;
    }

    /// <summary>XORs with the 4-byte mask (read little-endian), starting <paramref name="offset"/> bytes into the frame.</summary>
    private static void Unmask(Span<byte> data, uint mask, long offset)
    {
        // Byte k of the frame uses mask byte k % 4: rotating puts the right mask byte first.
        var key = System.Numerics.BitOperations.RotateRight(mask, (int)(offset & 3) * 8);
        var i = 0;
        for (; i + 4 <= data.Length; i += 4)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(data[i..], BinaryPrimitives.ReadUInt32LittleEndian(data[i..]) ^ key);
        }
        for (; i < data.Length; i++, key >>= 8)
        {
            data[i] ^= (byte)key;
        }
    }

    private ParsedKind Error(string reason)
    {
        ProtocolErrorReason = reason;
        return ParsedKind.ProtocolError;
    }

    private readonly record struct FrameHeader(bool Fin, byte Opcode, long Length, uint Mask, int HeaderLength);
}
