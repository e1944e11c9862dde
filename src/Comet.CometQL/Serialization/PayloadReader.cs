using System.Buffers.Binary;
using System.Text;

namespace Comet.CometQL.Serialization;

/// <summary>Reads the fields of one received packet payload; a short payload throws <see cref="MalformedPacketException"/>.</summary>
internal ref struct PayloadReader(ReadOnlySpan<byte> payload)
{
    private readonly ReadOnlySpan<byte> _payload = payload;

    public int Position { get; private set; }

    public readonly int Remaining => _payload.Length - Position;

    public byte ReadByte()
    {
        Need(1);
        return _payload[Position++];
    }

    public ushort ReadUInt16()
    {
        Need(2);
        var value = BinaryPrimitives.ReadUInt16LittleEndian(_payload[Position..]);
        Position += 2;
        return value;
    }

    public uint ReadUInt32()
    {
        Need(4);
        var value = BinaryPrimitives.ReadUInt32LittleEndian(_payload[Position..]);
        Position += 4;
        return value;
    }

    public ulong ReadUInt64()
    {
        Need(8);
        var value = BinaryPrimitives.ReadUInt64LittleEndian(_payload[Position..]);
        Position += 8;
        return value;
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0)
        {
            throw new MalformedPacketException();
        }
        Need(count);
        var value = _payload.Slice(Position, count);
        Position += count;
        return value;
    }

    public ReadOnlySpan<byte> ReadRest() => ReadBytes(Remaining);

    public ulong ReadLengthEncodedInteger()
    {
        var first = ReadByte();
        return first switch
        {
            < 251 => first,
            0xFC => ReadUInt16(),
            0xFD => ReadByte() | ((ulong)ReadByte() << 8) | ((ulong)ReadByte() << 16),
            0xFE => ReadUInt64(),
            _ => throw new MalformedPacketException(),
        };
    }

    public ReadOnlySpan<byte> ReadLengthEncodedBytes()
    {
        var length = ReadLengthEncodedInteger();
        if (length > (ulong)Remaining)
        {
            throw new MalformedPacketException();
        }
        return ReadBytes((int)length);
    }

    public ReadOnlySpan<byte> ReadNullTerminatedBytes()
    {
        var end = _payload[Position..].IndexOf((byte)0);
        if (end < 0)
        {
            throw new MalformedPacketException();
        }
        var value = _payload.Slice(Position, end);
        Position += end + 1;
        return value;
    }

    public string ReadNullTerminatedString() => Encoding.UTF8.GetString(ReadNullTerminatedBytes());

    private readonly void Need(int count)
    {
        if (_payload.Length - Position < count)
        {
            throw new MalformedPacketException();
        }
    }
}
