using System.Buffers.Binary;
using System.Text;

namespace Comet.CometQL.Serialization;

/// <summary>Writes the fields of one packet payload into a span sized by an upper bound beforehand.</summary>
internal ref struct PayloadWriter(Span<byte> destination)
{
    private readonly Span<byte> _destination = destination;

    public int Position { get; private set; }

    /// <summary>The largest number of bytes <see cref="WriteLengthEncodedString"/> may need for <paramref name="value"/>.</summary>
    public static int MaxLengthEncodedStringSize(string value) => 9 + Encoding.UTF8.GetMaxByteCount(value.Length);

    public void WriteByte(byte value) => _destination[Position++] = value;

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_destination[Position..], value);
        Position += 2;
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_destination[Position..], value);
        Position += 4;
    }

    public void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_destination[Position..], value);
        Position += 8;
    }

    public void WriteZeros(int count)
    {
        _destination.Slice(Position, count).Clear();
        Position += count;
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_destination[Position..]);
        Position += value.Length;
    }

    public void WriteLengthEncodedInteger(ulong value)
    {
        if (value < 251)
        {
            WriteByte((byte)value);
        }
        else if (value < 0x1_0000)
        {
            WriteByte(0xFC);
            WriteUInt16((ushort)value);
        }
        else if (value < 0x100_0000)
        {
            WriteByte(0xFD);
            WriteByte((byte)value);
            WriteByte((byte)(value >> 8));
            WriteByte((byte)(value >> 16));
        }
        else
        {
            WriteByte(0xFE);
            WriteUInt64(value);
        }
    }

    /// <summary>A string as UTF-8 without a length (the rest of a packet, or fixed text).</summary>
    public void WriteString(string value) => Position += Encoding.UTF8.GetBytes(value, _destination[Position..]);

    public void WriteNullTerminatedString(string value)
    {
        WriteString(value);
        WriteByte(0);
    }

    public void WriteLengthEncodedString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteLengthEncodedInteger((ulong)length);
        Position += Encoding.UTF8.GetBytes(value, _destination[Position..]);
    }
}
