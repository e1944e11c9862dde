using Comet.CometQL.Serialization;

namespace Comet.CometQL.Protocol;

/// <summary>EOF: ends the column definitions and the rows of a result set (no CLIENT_DEPRECATE_EOF).</summary>
internal static class EofPacket
{
    public static void Write(PacketWriter packets, ServerStatus status)
    {
        var packet = packets.Begin(5);
        var w = new PayloadWriter(PacketWriter.PayloadOf(packet));
        w.WriteByte(0xFE);
        w.WriteUInt16(0);
        w.WriteUInt16((ushort)status);
        packets.End(packet, w.Position);
    }
}
