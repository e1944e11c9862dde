using System.Text;
using Comet.CometQL.Parsing;
using Comet.CometQL.Prepared;
using Comet.CometQL.Serialization;

namespace Comet.CometQL.Tests.Unit;

public sealed class PreparedStatementTests
{
    [Fact]
    public void Binary_parameters_of_every_type_become_literals()
    {
        var statement = new PreparedStatement(1, "x", 13);
        var payload = new List<byte>();
        // NULL bitmap: parameter 12 is NULL.
        payload.AddRange([0x00, 0x10]);
        payload.Add(1); // new params bound
        (byte Type, byte Flags)[] types =
        [
            (0x01, 0), (0x01, 0x80), (0x02, 0), (0x03, 0), (0x08, 0), (0x08, 0x80), (0x04, 0), (0x05, 0),
            (0x0C, 0), (0x0A, 0), (0x0B, 0), (0xFD, 0), (0xFD, 0),
        ];
        foreach (var (type, flags) in types)
        {
            payload.Add(type);
            payload.Add(flags);
        }
        payload.Add(0xFF); // tiny -1
        payload.Add(0xFF); // tiny unsigned 255
        payload.AddRange(BitConverter.GetBytes((short)-2));
        payload.AddRange(BitConverter.GetBytes(123456));
        payload.AddRange(BitConverter.GetBytes(-5L));
        payload.AddRange(BitConverter.GetBytes(ulong.MaxValue));
        payload.AddRange(BitConverter.GetBytes(1.5f));
        payload.AddRange(BitConverter.GetBytes(2.25));
        payload.AddRange([7, 0xE8, 0x07, 2, 29, 13, 45, 59]); // 2024-02-29 13:45:59
        payload.AddRange([4, 0xE8, 0x07, 1, 2]); // 2024-01-02
        payload.AddRange([8, 1, 1, 0, 0, 0, 2, 3, 4]); // -26:03:04
        var text = Encoding.UTF8.GetBytes("it's \\ \"ü\"");
        payload.Add((byte)text.Length);
        payload.AddRange(text);

        var reader = new PayloadReader(payload.ToArray());
        var literals = BinaryParameters.Read(ref reader, statement);
        Assert.Equal(
            [
                "-1", "255", "-2", "123456", "-5", "18446744073709551615", "'1.5'", "'2.25'",
                "'2024-02-29 13:45:59'", "'2024-01-02'", "'-26:03:04'", @"'it\'s \\ ""ü""'", "NULL",
            ],
            literals);
        Assert.Equal(0, reader.Remaining);

        // Without new-params-bound the types of the previous execution apply.
        var again = new List<byte> { 0xFF, 0x1F, 0 };
        var reuse = new PayloadReader(again.ToArray());
        Assert.All(BinaryParameters.Read(ref reuse, statement), l => Assert.Equal("NULL", l));
    }

    [Fact]
    public void Truncated_parameters_are_malformed()
    {
        var statement = new PreparedStatement(1, "x", 1);
        Assert.Throws<MalformedPacketException>(() =>
        {
            var r = new PayloadReader([0x00, 1, 0x03, 0, 1, 2]);
            BinaryParameters.Read(ref r, statement);
        });
        Assert.Throws<MalformedPacketException>(() =>
        {
            var r = new PayloadReader([0x00, 0]); // no types were ever bound
            BinaryParameters.Read(ref r, new PreparedStatement(2, "x", 1));
        });
    }

    [Fact]
    public void Any_string_quoted_as_a_literal_reads_back_unchanged()
    {
        var random = new Random(1234);
        var alphabet = "ab'\"\\\0\n\r\t%_?;`ü😀 ".ToCharArray();
        for (var i = 0; i < 1000; i++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }
            var value = new string(chars).Replace("\\%", "%", StringComparison.Ordinal).Replace("\\_", "_", StringComparison.Ordinal);
            var sql = PlaceholderBinder.Bind("INSERT INTO users_data (id, data) VALUES (?, ?)", ["1", SqlLiteral.Quote(value)]);
            var insert = Assert.IsType<InsertStatement>(Assert.Single(Parser.ParseScript(sql)));
            Assert.Equal(value, insert.Rows[0][1].Text);
        }
    }

    [Fact]
    public void Placeholders_inside_strings_are_not_bound()
    {
        Assert.Equal("SELECT '?', 5, `?` FROM t", PlaceholderBinder.Bind("SELECT '?', ?, `?` FROM t", ["5"]));
    }
}
