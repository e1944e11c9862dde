using System.Globalization;
using System.Text;
using Comet.CometQL.Protocol;
using Comet.CometQL.Serialization;

namespace Comet.CometQL.Prepared;

/// <summary>
/// Reads COM_STMT_EXECUTE's parameters (NULL bitmap, new-params-bound flag, types, binary values)
/// and turns each into a literal: integers as numbers, everything else quoted.
/// </summary>
internal static class BinaryParameters
{
    public static string[] Read(ref PayloadReader r, PreparedStatement statement)
    {
        var count = statement.ParameterCount;
        var literals = new string[count];
        if (count == 0)
        {
            return literals;
        }
        var nullBitmap = r.ReadBytes((count + 7) / 8);
        var newParamsBound = r.ReadByte() == 1;
        if (newParamsBound)
        {
            var types = new (ColumnType, bool)[count];
            for (var i = 0; i < count; i++)
            {
                var type = (ColumnType)r.ReadByte();
                var flags = r.ReadByte();
                types[i] = (type, (flags & 0x80) != 0);
            }
            statement.ParameterTypes = types;
        }
        var bound = statement.ParameterTypes ?? throw new MalformedPacketException("No parameter types were bound");
        for (var i = 0; i < count; i++)
        {
            if ((nullBitmap[i / 8] & (1 << (i % 8))) != 0)
            {
                literals[i] = SqlLiteral.Null;
                continue;
            }
            var (type, unsigned) = bound[i];
            literals[i] = ReadValue(ref r, type, unsigned);
        }
        return literals;
    }

    private static string ReadValue(ref PayloadReader r, ColumnType type, bool unsigned)
    {
        var culture = CultureInfo.InvariantCulture;
        switch (type)
        {
            case ColumnType.Null:
                return SqlLiteral.Null;
            case ColumnType.Tiny:
            {
                var b = r.ReadByte();
                return unsigned ? b.ToString(culture) : ((sbyte)b).ToString(culture);
            }
            case ColumnType.Short or ColumnType.Year:
            {
                var v = r.ReadUInt16();
                return unsigned ? v.ToString(culture) : ((short)v).ToString(culture);
            }
            case ColumnType.Long or ColumnType.Int24:
            {
                var v = r.ReadUInt32();
                return unsigned ? v.ToString(culture) : ((int)v).ToString(culture);
            }
            case ColumnType.LongLong:
            {
                var v = r.ReadUInt64();
                return unsigned ? v.ToString(culture) : ((long)v).ToString(culture);
            }
            case ColumnType.Float:
                return SqlLiteral.Quote(BitConverter.Int32BitsToSingle((int)r.ReadUInt32()).ToString("R", culture));
            case ColumnType.Double:
                return SqlLiteral.Quote(BitConverter.Int64BitsToDouble((long)r.ReadUInt64()).ToString("R", culture));
            case ColumnType.Date or ColumnType.DateTime or ColumnType.Timestamp or ColumnType.NewDate:
                return SqlLiteral.Quote(ReadDateTime(ref r));
            case ColumnType.Time:
                return SqlLiteral.Quote(ReadTime(ref r));
            default:
                // Strings, decimals, blobs, JSON, enums, sets, bits, geometry: length-encoded bytes.
                return SqlLiteral.Quote(Encoding.UTF8.GetString(r.ReadLengthEncodedBytes()));
        }
    }

    private static string ReadDateTime(ref PayloadReader r)
    {
        var length = r.ReadByte();
        if (length == 0)
        {
            return "0000-00-00 00:00:00";
        }
        if (length is not (4 or 7 or 11))
        {
            throw new MalformedPacketException("Invalid date length");
        }
        var year = r.ReadUInt16();
        var month = r.ReadByte();
        var day = r.ReadByte();
        if (length == 4)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}-{day:D2}");
        }
        var hour = r.ReadByte();
        var minute = r.ReadByte();
        var second = r.ReadByte();
        var text = string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}-{day:D2} {hour:D2}:{minute:D2}:{second:D2}");
        return length == 11 ? string.Create(CultureInfo.InvariantCulture, $"{text}.{r.ReadUInt32():D6}") : text;
    }

    private static string ReadTime(ref PayloadReader r)
    {
        var length = r.ReadByte();
        if (length == 0)
        {
            return "00:00:00";
        }
        if (length is not (8 or 12))
        {
            throw new MalformedPacketException("Invalid time length");
        }
        var negative = r.ReadByte() == 1;
        var days = r.ReadUInt32();
        var hours = ((ulong)days * 24) + r.ReadByte(); // 64 bits: days × 24 overflows 32
        var minutes = r.ReadByte();
        var seconds = r.ReadByte();
        var text = string.Create(CultureInfo.InvariantCulture, $"{(negative ? "-" : "")}{hours:D2}:{minutes:D2}:{seconds:D2}");
        return length == 12 ? string.Create(CultureInfo.InvariantCulture, $"{text}.{r.ReadUInt32():D6}") : text;
    }
}
