using Comet.CometQL.Serialization;

namespace Comet.CometQL.Protocol;

/// <summary>ERR: the CometQL error code as the MySQL errno, SQL state HY000, and the text.</summary>
internal static class ErrorPacket
{
    public const string SqlState = "HY000";

    public static void Write(PacketWriter packets, int code, string message)
    {
        var packet = packets.Begin(9 + PayloadWriter.MaxLengthEncodedStringSize(message));
        var w = new PayloadWriter(PacketWriter.PayloadOf(packet));
        w.WriteByte(0xFF);
        w.WriteUInt16((ushort)code);
        w.WriteByte((byte)'#');
        w.WriteString(SqlState);
        w.WriteString(message);
        packets.End(packet, w.Position);
    }
}
