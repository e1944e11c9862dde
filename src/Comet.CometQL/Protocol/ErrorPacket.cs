using Comet.CometQL.Serialization;

namespace Comet.CometQL.Protocol;

/// <summary>ERR: the CometQL error code as the MySQL errno, the SQLSTATE (<see cref="SqlStates"/>), and the text.</summary>
internal static class ErrorPacket
{
    public static void Write(PacketWriter packets, CometQLError error) => Write(packets, error.Code, error.Message, error.SqlState);

    public static void Write(PacketWriter packets, int code, string message, string sqlState)
    {
        var packet = packets.Begin(9 + PayloadWriter.MaxLengthEncodedStringSize(message));
        var w = new PayloadWriter(PacketWriter.PayloadOf(packet));
        w.WriteByte(0xFF);
        w.WriteUInt16((ushort)code);
        w.WriteByte((byte)'#');
        w.WriteString(sqlState);
        w.WriteString(message);
        packets.End(packet, w.Position);
    }
}
