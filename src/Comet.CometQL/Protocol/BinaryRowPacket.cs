using System.Globalization;
using Comet.CometQL.Execution;
using Comet.CometQL.Serialization;

namespace Comet.CometQL.Protocol;

/// <summary>A result row in the binary protocol (COM_STMT_EXECUTE): 0x00, NULL bitmap (offset 2), values.</summary>
internal static class BinaryRowPacket
{
    /// <param name="typed">True when integer columns were declared LONGLONG (8 bytes, little-endian);
    /// otherwise every column is VAR_STRING, a length-encoded string.</param>
    public static void Write(PacketWriter packets, IReadOnlyList<string?> values, ResultSet set, bool typed)
    {
        var bitmapLength = (values.Count + 7 + 2) / 8;
        var max = 1 + bitmapLength;
        for (var i = 0; i < values.Count; i++)
        {
            max += values[i] is { } value ? Math.Max(8, PayloadWriter.MaxLengthEncodedStringSize(value)) : 0;
        }
        var packet = packets.Begin(max);
        var payload = PacketWriter.PayloadOf(packet);
        var w = new PayloadWriter(payload);
        w.WriteByte(0x00);
        var bitmapStart = w.Position;
        w.WriteZeros(bitmapLength);
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is not { } value)
            {
                var bit = i + 2;
                payload[bitmapStart + (bit / 8)] |= (byte)(1 << (bit % 8));
            }
            else if (typed && set.KindOf(i) == ColumnKind.Integer)
            {
                w.WriteUInt64(unchecked((ulong)long.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)));
            }
            else
            {
                w.WriteLengthEncodedString(value);
            }
        }
        packets.End(packet, w.Position);
    }
}
