using System.Buffers.Binary;
using System.Text;

namespace Comet.Fuzz.Tests.Support;

/// <summary>Builds MySQL packets on the client's side, independently of the server's own writer.</summary>
internal sealed class MySqlWire
{
    private readonly List<byte> _bytes = [];

    public MySqlWire Byte(byte value)
    {
        _bytes.Add(value);
        return this;
    }

    public MySqlWire UInt16(ushort value) => Bytes(BitConverter.GetBytes(value));

    public MySqlWire UInt32(uint value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, value);
        return Bytes(buffer);
    }

    public MySqlWire UInt64(ulong value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(buffer, value);
        return Bytes(buffer);
    }

    public MySqlWire Bytes(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            _bytes.Add(b);
        }
        return this;
    }

    public MySqlWire Zeros(int count) => Bytes(new byte[count]);

    public MySqlWire LengthEncoded(ulong value) => value switch
    {
        < 251 => Byte((byte)value),
        < 0x1_0000 => Byte(0xFC).UInt16((ushort)value),
        < 0x100_0000 => Byte(0xFD).Byte((byte)value).Byte((byte)(value >> 8)).Byte((byte)(value >> 16)),
        _ => Byte(0xFE).UInt64(value),
    };

    public MySqlWire LengthEncodedBytes(ReadOnlySpan<byte> value) => LengthEncoded((ulong)value.Length).Bytes(value);

    public MySqlWire LengthEncodedString(string value) => LengthEncodedBytes(Encoding.UTF8.GetBytes(value));

    public MySqlWire NullTerminated(string value) => Bytes(Encoding.UTF8.GetBytes(value)).Byte(0);

    public byte[] ToArray() => [.. _bytes];

    /// <summary>A whole packet: 3-byte length, sequence id, payload.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload, byte sequenceId)
    {
        var packet = new byte[4 + payload.Length];
        packet[0] = (byte)payload.Length;
        packet[1] = (byte)(payload.Length >> 8);
        packet[2] = (byte)(payload.Length >> 16);
        packet[3] = sequenceId;
        payload.CopyTo(packet.AsSpan(4));
        return packet;
    }
}
