using Comet.CometQL.Serialization;

namespace Comet.CometQL.Protocol;

/// <summary>COM_STMT_PREPARE's answer: statement id, column count, parameter count.</summary>
internal static class StatementPrepareOkPacket
{
    public static void Write(PacketWriter packets, uint statementId, int columnCount, int parameterCount)
    {
        var packet = packets.Begin(12);
        var w = new PayloadWriter(PacketWriter.PayloadOf(packet));
        w.WriteByte(0x00);
        w.WriteUInt32(statementId);
        w.WriteUInt16((ushort)columnCount);
        w.WriteUInt16((ushort)parameterCount);
        w.WriteByte(0);
        w.WriteUInt16(0); // warnings
        packets.End(packet, w.Position);
    }
}
