using Comet.CometQL.Serialization;

namespace Comet.CometQL.Protocol;

/// <summary>A result row in the binary protocol (COM_STMT_EXECUTE): 0x00, NULL bitmap (offset 2), values.</summary>
internal static class BinaryRowPacket
{
    public static void Write(PacketWriter packets, IReadOnlyList<string?> values)
    {
        var bitmapLength = (values.Count + 7 + 2) / 8;
        var max = 1 + bitmapLength;
        for (var i = 0; i < values.Count; i++)
        {
            max += values[i] is { } value ? PayloadWriter.MaxLengthEncodedStringSize(value) : 0;
        }
        var packet = packets.Begin(max);
        var payload = PacketWriter.PayloadOf(packet);
        var w = new PayloadWriter(payload);
        w.WriteByte(0x00);
        var bitmapStart = w.Position;
        w.WriteZeros(bitmapLength);
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is { } value)
            {
                // Every column is declared VAR_STRING, whose binary form is a length-encoded string.
                w.WriteLengthEncodedString(value);
            }
            else
            {
                var bit = i + 2;
                payload[bitmapStart + (bit / 8)] |= (byte)(1 << (bit % 8));
            }
        }
        packets.End(packet, w.Position);
    }
}
