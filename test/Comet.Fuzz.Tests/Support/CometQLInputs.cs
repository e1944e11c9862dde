using Comet.CometQL.Protocol;

namespace Comet.Fuzz.Tests.Support;

/// <summary>Valid CometQL inputs (queries, handshake responses, COM_STMT_EXECUTE bodies) and their mutations.</summary>
internal static class CometQLInputs
{
    /// <summary>Statements of the dialect as backends write them (spec §1.2–1.3).</summary>
    public static readonly string[] Queries =
    [
        "INSERT INTO pipes_messages (name, event, message) VALUES ('web_chat', 'new', 'hello')",
        "INSERT INTO pipes_messages (name, event, message)VALUES(\"web_a\", \"e\", \"it's \\\"quoted\\\" \\\\ \\n\")",
        "INSERT INTO users_messages (id, event, message) VALUES (17, 'newMessage', 'x''y')",
        "INSERT INTO users_auth (id, hash) VALUES (1, 'a1b2c3'), (2, 'd4e5f6')",
        "INSERT INTO pipes_settings (name, length) VALUES ('web_log', 10)",
        "INSERT INTO users_data (id, data) VALUES (5, '{\"a\":1}')",
        "SELECT * FROM users_auth WHERE id IN (1, 2, 3)",
        "SELECT hash FROM users_auth WHERE id = 1",
        "SELECT time FROM users_time WHERE id IN (1,2) LIMIT 10",
        "SELECT * FROM pipes WHERE name LIKE 'web_%'",
        "SELECT name, users FROM pipes WHERE name IN ('web_a', 'web_b')",
        "SELECT * FROM pipe_messages WHERE name = 'web_log' LIMIT 1, 5",
        "SELECT * FROM users_messages WHERE id = 17",
        "SELECT * FROM revoked_tokens",
        "SELECT * FROM dev_config",
        "DELETE FROM users_auth WHERE id = 1",
        "DELETE FROM pipes_settings WHERE name = 'web_log'",
        "SHOW TABLES",
        "SHOW DATABASES",
        "SHOW FULL COLUMNS FROM users_auth",
        "SHOW GLOBAL VARIABLES LIKE 'version%'",
        "SHOW STATUS",
        "SHOW TABLE STATUS",
        "SHOW WARNINGS LIMIT 5",
        "DESCRIBE pipes_messages",
        "select @@version_comment limit 1",
        "SELECT @@session.auto_increment_increment AS x, DATABASE(), 1, 'a' b",
        "SET NAMES utf8mb4 COLLATE utf8mb4_general_ci",
        "SET autocommit=0",
        "USE CometQL_v1",
        "/* c */ SELECT 1; # tail\nSELECT 2 -- x\n;",
        "INSERT INTO pipes_messages (name, event, message) VALUES (?, ?, ?)",
        "SELECT * FROM users_auth WHERE id IN (?, ?) LIMIT ?",
    ];

    /// <summary>Fragments of the dialect for mutations: keywords, quotes, comments, operators, placeholders.</summary>
    public static readonly string[] Dictionary =
    [
        "'", "\"", "\\", "''", "\\'", "`", "/*", "*/", "-- ", "#", "\n", ";", ",", "(", ")", "?", "@", "@@", "=", "<>", "!=",
        ">=", "<", "*", ".", " ", "NULL", "SELECT ", " FROM ", " WHERE ", " IN ", " LIKE ", " AND ", " OR ", " LIMIT ",
        " OFFSET ", " ORDER BY ", " VALUES ", "INSERT INTO ", "DELETE FROM ", "SHOW ", "cometqlcluster_v1 ", "pipes_messages",
        "users_auth", "-", "-1", "0", "$", "_", "\\0", "\\%", "\\_", "\\Z",
    ];

    public static Gen<string> Query() => Mutate.Text(Gen.Elements(Queries), Dictionary);

    /// <summary>What a handshake response carries, to encode and to compare after reading.</summary>
    public sealed record Handshake(CapabilityFlags Capabilities, string User, byte[] Auth, string? Database, string? Plugin, (string Key, string Value)[] Attributes)
    {
        public byte[] Encode()
        {
            var w = new MySqlWire().UInt32((uint)Capabilities).UInt32(16 * 1024 * 1024).Byte(45).Zeros(23).NullTerminated(User);
            if ((Capabilities & CapabilityFlags.PluginAuthLengthEncodedClientData) != 0)
            {
                w.LengthEncodedBytes(Auth);
            }
            else if ((Capabilities & CapabilityFlags.SecureConnection) != 0)
            {
                w.Byte((byte)Auth.Length).Bytes(Auth);
            }
            else
            {
                w.Bytes(Auth).Byte(0);
            }
            if ((Capabilities & CapabilityFlags.ConnectWithDb) != 0)
            {
                w.NullTerminated(Database ?? "");
            }
            if ((Capabilities & CapabilityFlags.PluginAuth) != 0)
            {
                w.NullTerminated(Plugin ?? "");
            }
            if ((Capabilities & CapabilityFlags.ConnectAttributes) != 0)
            {
                var attributes = new MySqlWire();
                foreach (var (key, value) in Attributes)
                {
                    attributes.LengthEncodedString(key).LengthEncodedString(value);
                }
                w.LengthEncodedBytes(attributes.ToArray());
            }
            return w.ToArray();
        }
    }

    /// <summary>Names without NUL, of valid Unicode (so UTF-8 round-trips), some long.</summary>
    public static Gen<string> Name(int maxLength) => Gen.Frequency(
        (4, Gen.Elements("0", "1", "99999", "root", "CometQL_v1", "haproxy_check", "mysql_native_password", "caching_sha2_password", "")),
        (2, Gen.Choose(0, maxLength).SelectMany(n => Gen.ArrayOf(Gen.Elements("a", "Z", "_", "9", "é", "\u4E2D", "\uD83D\uDE00", " ", "%"), n)).Select(string.Concat)));

    public static Gen<Handshake> ValidHandshake()
    {
        CapabilityFlags[] optional =
        [
            CapabilityFlags.SecureConnection, CapabilityFlags.PluginAuthLengthEncodedClientData, CapabilityFlags.ConnectWithDb,
            CapabilityFlags.PluginAuth, CapabilityFlags.ConnectAttributes, CapabilityFlags.MultiStatements, CapabilityFlags.Ssl,
        ];
        var capabilities = Gen.SubListOf(optional).Select(flags => flags.Aggregate(CapabilityFlags.Protocol41 | CapabilityFlags.LongPassword, (a, f) => a | f));
        return from caps in capabilities
               from user in Name(HandshakeResponseLimits.MaxUser)
               from auth in Gen.Frequency((3, Gen.ArrayOf(Gen.Choose(1, 255).Select(b => (byte)b), 20)), (1, Gen.Constant(Array.Empty<byte>())), (1, Gen.Choose(0, 255).SelectMany(n => Gen.ArrayOf(Gen.Choose(1, 255).Select(b => (byte)b), n))))
               from database in Name(64)
               from plugin in Name(40)
               from attributes in Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(Gen.Zip(Name(20), Name(40)), n))
               select new Handshake(caps, user, auth, database, plugin, attributes.Select(a => (a.Item1, a.Item2)).ToArray());
    }

    /// <summary>A COM_STMT_EXECUTE parameter: its type, unsigned flag and encoded value, and the literal it must become.</summary>
    public sealed record Parameter(ColumnType Type, bool Unsigned, byte[] Value, string? Text);

    public static Gen<Parameter> ValidParameter() => Gen.OneOf(
        from v in Gen.Elements(0L, 1L, -1L, 127L, -128L, 255L, 32767L, -32768L, int.MaxValue, int.MinValue, long.MaxValue, long.MinValue)
        from kind in Gen.Choose(0, 3)
        select IntegerParameter(v, kind),
        from text in Gen.Frequency((3, Name(80)), (1, Gen.Elements("'", "\\", "''", "\\'", "a\0b", "\\%_", "'; DELETE FROM users_auth; --")))
        from type in Gen.Elements(ColumnType.VarString, ColumnType.String, ColumnType.Blob, ColumnType.NewDecimal, ColumnType.Json)
        select new Parameter(type, false, new MySqlWire().LengthEncodedString(text).ToArray(), text),
        Gen.Constant(new Parameter(ColumnType.Null, false, [], null)),
        from d in Gen.Elements(0.0, -1.5, double.MaxValue, double.NaN, double.NegativeInfinity, 1e-300)
        select new Parameter(ColumnType.Double, false, new MySqlWire().UInt64((ulong)BitConverter.DoubleToInt64Bits(d)).ToArray(), d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
        DateTimeParameter(),
        TimeParameter());

    /// <summary>MYSQL_TIME as a date (4 bytes), a date and time (7) or with microseconds (11), and the text it stands for.</summary>
    private static Gen<Parameter> DateTimeParameter() =>
        from length in Gen.Elements<byte>(0, 4, 7, 11)
        from year in Gen.Elements<ushort>(0, 1, 1970, 2026, 9999, ushort.MaxValue)
        from month in Gen.Elements<byte>(0, 1, 12, 255)
        from day in Gen.Elements<byte>(0, 1, 31, 255)
        from time in Gen.ArrayOf(Gen.Elements<byte>(0, 9, 23, 59, 255), 3)
        from micro in Gen.Elements(0u, 1u, 999_999u, uint.MaxValue)
        let w = new MySqlWire().Byte(length).UInt16(year).Byte(month).Byte(day).Bytes(time).UInt32(micro).ToArray()
        let date = FormattableString.Invariant($"{year:D4}-{month:D2}-{day:D2}")
        let dateTime = FormattableString.Invariant($"{date} {time[0]:D2}:{time[1]:D2}:{time[2]:D2}")
        select new Parameter(ColumnType.DateTime, false, w[..(1 + length)], length switch
        {
            0 => "0000-00-00 00:00:00",
            4 => date,
            7 => dateTime,
            _ => FormattableString.Invariant($"{dateTime}.{micro:D6}"),
        });

    /// <summary>MYSQL_TIME as a time: sign, days, hours, minutes, seconds (8 bytes), microseconds (12), and its text.</summary>
    private static Gen<Parameter> TimeParameter() =>
        from length in Gen.Elements<byte>(0, 8, 12)
        from negative in Gen.Elements(false, true)
        from days in Gen.Elements(0u, 1u, 34u, 0x7FFF_FFFFu, uint.MaxValue)
        from clock in Gen.ArrayOf(Gen.Elements<byte>(0, 9, 23, 59, 255), 3)
        from micro in Gen.Elements(0u, 1u, 999_999u, uint.MaxValue)
        let w = new MySqlWire().Byte(length).Byte(negative ? (byte)1 : (byte)0).UInt32(days).Bytes(clock).UInt32(micro).ToArray()
        let time = FormattableString.Invariant($"{(negative ? "-" : "")}{((ulong)days * 24) + clock[0]:D2}:{clock[1]:D2}:{clock[2]:D2}")
        select new Parameter(ColumnType.Time, false, w[..(1 + length)], length switch
        {
            0 => "00:00:00",
            8 => time,
            _ => FormattableString.Invariant($"{time}.{micro:D6}"),
        });

    private static Parameter IntegerParameter(long value, int kind) => kind switch
    {
        0 => new Parameter(ColumnType.Tiny, false, [(byte)value], ((sbyte)value).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        1 => new Parameter(ColumnType.Short, false, BitConverter.GetBytes((short)value), ((short)value).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        2 => new Parameter(ColumnType.Long, true, BitConverter.GetBytes((uint)value), ((uint)value).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        _ => new Parameter(ColumnType.LongLong, false, BitConverter.GetBytes(value), value.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    };

    /// <summary>The parameter part of COM_STMT_EXECUTE (after statement id, flags and iteration count).</summary>
    public static byte[] EncodeParameters(Parameter[] parameters, bool newParamsBound = true)
    {
        var w = new MySqlWire();
        if (parameters.Length == 0)
        {
            return [];
        }
        var bitmap = new byte[(parameters.Length + 7) / 8];
        for (var i = 0; i < parameters.Length; i++)
        {
            if (parameters[i].Type == ColumnType.Null)
            {
                bitmap[i / 8] |= (byte)(1 << (i % 8));
            }
        }
        w.Bytes(bitmap).Byte(newParamsBound ? (byte)1 : (byte)0);
        if (newParamsBound)
        {
            foreach (var p in parameters)
            {
                w.Byte((byte)p.Type).Byte(p.Unsigned ? (byte)0x80 : (byte)0);
            }
        }
        foreach (var p in parameters.Where(p => p.Type != ColumnType.Null))
        {
            w.Bytes(p.Value);
        }
        return w.ToArray();
    }

    private static class HandshakeResponseLimits
    {
        public const int MaxUser = 300;
    }
}
