using Comet.CometQL.Serialization;

namespace Comet.CometQL.Protocol;

/// <summary>
/// Column definition 41. Every CometQL column is a VAR_STRING in utf8 (as in CppComet); values
/// are always sent as text, so every driver reads them the same way.
/// </summary>
internal static class ColumnDefinitionPacket
{
    public const byte Utf8GeneralCi = 0x21;
    public const uint DisplayLength = 255 * 3;

    public static void Write(PacketWriter packets, string database, string table, string name, ColumnType type = ColumnType.VarString)
    {
        var packet = packets.Begin(32 + PayloadWriter.MaxLengthEncodedStringSize(database)
            + (2 * PayloadWriter.MaxLengthEncodedStringSize(table)) + (2 * PayloadWriter.MaxLengthEncodedStringSize(name)));
        var w = new PayloadWriter(PacketWriter.PayloadOf(packet));
        w.WriteLengthEncodedString("def");
        w.WriteLengthEncodedString(database);
        w.WriteLengthEncodedString(table);
        w.WriteLengthEncodedString(table);
        w.WriteLengthEncodedString(name);
        w.WriteLengthEncodedString(name);
        w.WriteByte(0x0C);
        w.WriteUInt16(Utf8GeneralCi);
        w.WriteUInt32(DisplayLength);
        w.WriteByte((byte)type);
        w.WriteUInt16(0); // flags: nullable, no key
        w.WriteByte(0x1F); // decimals: not a fixed-point number
        w.WriteUInt16(0);
        packets.End(packet, w.Position);
    }
}
