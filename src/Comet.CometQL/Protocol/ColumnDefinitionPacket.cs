using Comet.CometQL.Execution;
using Comet.CometQL.Serialization;

namespace Comet.CometQL.Protocol;

/// <summary>
/// Column definition 41. Text columns are VAR_STRING in utf8 (as in CppComet). Integer columns are
/// BIGINT (LONGLONG, binary charset, NUM flag) when typed integers are on, as MySQL describes an
/// integer column, so typed readers (MySqlConnector's GetInt64, Dapper) read them; in the text
/// protocol their values are still decimal text, so drivers that ignore types see no change.
/// </summary>
internal static class ColumnDefinitionPacket
{
    public const byte Utf8GeneralCi = 0x21;
    public const byte Binary = 0x3F;
    public const uint DisplayLength = 255 * 3;
    public const uint BigIntDisplayLength = 20;
    private const ushort NumFlag = 0x8000;

    public static void Write(PacketWriter packets, string database, string table, string name, ColumnKind kind = ColumnKind.Text)
    {
        var integer = kind == ColumnKind.Integer;
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
        w.WriteUInt16(integer ? Binary : Utf8GeneralCi);
        w.WriteUInt32(integer ? BigIntDisplayLength : DisplayLength);
        w.WriteByte((byte)(integer ? ColumnType.LongLong : ColumnType.VarString));
        w.WriteUInt16(integer ? NumFlag : (ushort)0); // nullable, no key
        w.WriteByte(integer ? (byte)0 : (byte)0x1F); // decimals: 0 for an integer, 0x1F for text
        w.WriteUInt16(0);
        packets.End(packet, w.Position);
    }
}
