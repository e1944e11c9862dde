using Comet.CometQL.Serialization;

namespace Comet.CometQL.Protocol;

/// <summary>The first packet of a result set: how many column definitions follow.</summary>
internal static class ColumnCountPacket
{
    public static void Write(PacketWriter packets, int count)
    {
        var packet = packets.Begin(9);
        var w = new PayloadWriter(PacketWriter.PayloadOf(packet));
        w.WriteLengthEncodedInteger((ulong)count);
        packets.End(packet, w.Position);
    }
}
