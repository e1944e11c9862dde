using Comet.CometQL.Serialization;

namespace Comet.CometQL.Protocol;

/// <summary>A result row in the text protocol (COM_QUERY): each value a length-encoded string, 0xFB for NULL.</summary>
internal static class TextRowPacket
{
    public static void Write(PacketWriter packets, IReadOnlyList<string?> values)
    {
        var max = 0;
        for (var i = 0; i < values.Count; i++)
        {
            max += values[i] is { } value ? PayloadWriter.MaxLengthEncodedStringSize(value) : 1;
        }
        var packet = packets.Begin(max);
        var w = new PayloadWriter(PacketWriter.PayloadOf(packet));
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is { } value)
            {
                w.WriteLengthEncodedString(value);
            }
            else
            {
                w.WriteByte(0xFB);
            }
        }
        packets.End(packet, w.Position);
    }
}
