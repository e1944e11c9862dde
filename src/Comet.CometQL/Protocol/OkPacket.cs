using Comet.CometQL.Serialization;

namespace Comet.CometQL.Protocol;

/// <summary>OK: affected rows, last insert id, status flags, warnings.</summary>
internal static class OkPacket
{
    public static void Write(PacketWriter packets, ulong affectedRows, ulong lastInsertId, ServerStatus status)
    {
        var packet = packets.Begin(32);
        var w = new PayloadWriter(PacketWriter.PayloadOf(packet));
        w.WriteByte(0x00);
        w.WriteLengthEncodedInteger(affectedRows);
        w.WriteLengthEncodedInteger(lastInsertId);
        w.WriteUInt16((ushort)status);
        w.WriteUInt16(0);
        packets.End(packet, w.Position);
    }
}
