using System.Globalization;
using System.Reflection;
using System.Text;
using Comet.CometQL;
using Comet.CometQL.Protocol;
using Comet.Fuzz.Tests.Support;
using Comet.Testing;
using Xunit.Abstractions;

namespace Comet.Fuzz.Tests.EndToEnd;

/// <summary>
/// Mutated MySQL packets to a real gateway's CometQL port, over real sockets: every one gets well-formed
/// answers (an error packet with a documented code, or a valid answer) or a close, never an internal
/// error or a hang, and the connection (or a fresh one) is served right after.
/// </summary>
public sealed class CometQLSocketFuzzTests(ITestOutputHelper output)
{
    private const string DevId = "0";

    /// <summary>Every errno CometQL may send (<see cref="CometQLErrors"/>).</summary>
    private static readonly HashSet<int> DocumentedCodes = typeof(CometQLErrors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(CometQLError))
        .Select(f => ((CometQLError)f.GetValue(null)!).Code)
        .Concat(typeof(CometQLErrors).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (int)f.GetValue(null)!))
        .ToHashSet();

    /// <summary>Thousands of failed logins from one address are the point here, not an attack to stop.</summary>
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Comet:CometQL:MaxFailedLoginsPerAddress"] = "1000000",
        ["Comet:CometQL:FailedLoginWindow"] = "00:00:01",
    };

    private readonly FuzzRunner _fuzz = new(output);

    [Fact]
    public async Task Mutated_handshake_responses_get_an_error_or_a_close_and_a_fresh_client_is_served()
    {
        await using var gateway = await TestGateway.StartAsync(Settings);
        var port = gateway.CometQLPort;
        var inputs = Mutate.Bytes(CometQLInputs.ValidHandshake().Select(h => MySqlWire.Frame(h.Encode(), 1)));
        var done = 0;
        await _fuzz.RunAsync("cometql socket: login", inputs, async bytes =>
        {
            await using (var client = await RawMySqlClient.ConnectAsync(port))
            {
                await client.WriteRawAsync(bytes);
                client.ShutdownSend();
                // Whatever came, the server answers with whole packets and then closes.
                while (await client.TryReadPacketAsync() is { } packet)
                {
                    Assert.True(packet.Payload.Length > 0, "An empty packet");
                    Assert.True(packet.Payload[0] is 0xFF or 0x00 or 0xFE or 0x01, "Not an answer to a login: " + Convert.ToHexString(packet.Payload));
                    _ = CheckError(packet.Payload);
                }
            }
            if (++done % 25 == 0)
            {
                await AssertFreshClientIsServedAsync(gateway);
            }
        }, Printable.Of, FuzzSettings.EndToEndIterations);
        await AssertFreshClientIsServedAsync(gateway);
    }

    [Fact]
    public async Task Mutated_commands_get_an_error_or_an_answer_and_the_connection_keeps_serving()
    {
        await using var gateway = await TestGateway.StartAsync(Settings);
        var port = gateway.CometQLPort;
        RawMySqlClient? client = null;
        int errors = 0, answers = 0, closes = 0, probes = 0;
        try
        {
            await _fuzz.RunAsync("cometql socket: commands", Commands(), async payload =>
            {
                client ??= await LoggedInClientAsync(port);
                // The mutated command, then a query whose one row is unique to this input: its answer proves
                // the connection still serves (a fixed probe could be mimicked by a mutated command's answer).
                var marker = "fuzzprobe" + (++probes).ToString(CultureInfo.InvariantCulture);
                var probeRow = new MySqlWire().LengthEncodedString(marker).ToArray();
                await client.WriteRawAsync([.. MySqlWire.Frame(payload, 0), .. MySqlWire.Frame([(byte)CommandKind.Query, .. Encoding.UTF8.GetBytes($"SELECT '{marker}'")], 0)]);
                while (true)
                {
                    var packet = await client.TryReadPacketAsync();
                    if (packet is null)
                    {
                        // Only QUIT and a (failed) CHANGE_USER may end the connection.
                        Assert.True(payload.Length > 0 && payload[0] is (byte)CommandKind.Quit or (byte)CommandKind.ChangeUser,
                            "The server closed the connection after this command.");
                        await client.DisposeAsync();
                        client = null;
                        closes++;
                        return;
                    }
                    if (packet.Value.Payload.AsSpan().SequenceEqual(probeRow))
                    {
                        var end = await client.TryReadPacketAsync();
                        Assert.True(end is { Payload: [0xFE, ..] }, "The probe's rows did not end with EOF");
                        return;
                    }
                    if (CheckError(packet.Value.Payload))
                    {
                        errors++;
                    }
                    else
                    {
                        answers++;
                    }
                }
            }, Printable.Of, FuzzSettings.EndToEndIterations);
        }
        finally
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }
        }
        output.WriteLine($"answers: {errors} error packets, {answers} other packets, {closes} closes (QUIT, CHANGE_USER)");
        // The inputs reach past the first checks: some are refused, some are executed.
        Assert.True(errors > 0 && answers > 0, "The mutated commands were all refused, or all accepted");
        await AssertFreshClientIsServedAsync(gateway);
    }

    /// <summary>Commands as drivers send them (queries, prepared statements, the small ones), mostly mutated.</summary>
    private static Gen<byte[]> Commands()
    {
        static byte[] Command(CommandKind kind, ReadOnlySpan<byte> body) => [(byte)kind, .. body];
        var execute =
            from parameters in Gen.ArrayOf(CometQLInputs.ValidParameter(), 3)
            from statementId in Gen.Elements(1u, 2u, 0u, uint.MaxValue)
            select Command(CommandKind.StatementExecute, new MySqlWire().UInt32(statementId).Byte(0).UInt32(1).Bytes(CometQLInputs.EncodeParameters(parameters)).ToArray());
        var small = Gen.Elements(
            Command(CommandKind.InitDatabase, "CometQL_v1"u8), Command(CommandKind.FieldList, "users_auth\0"u8), Command(CommandKind.SetOption, [1, 0]),
            Command(CommandKind.StatementReset, [1, 0, 0, 0]), Command(CommandKind.StatementSendLongData, [2, 0, 0, 0, 0, 0, (byte)'x']),
            Command(CommandKind.StatementClose, [2, 0, 0, 0]), Command(CommandKind.Ping, []), Command(CommandKind.ResetConnection, []),
            Command(CommandKind.ChangeUser, new MySqlWire().NullTerminated(DevId).Byte(20).Zeros(20).NullTerminated("").UInt16(45).NullTerminated("mysql_native_password").ToArray()),
            Command(CommandKind.Quit, []), [0x20], [0xFF, 0xFF]);
        return Gen.Frequency(
            (5, CometQLInputs.Query().Select(q => Command(CommandKind.Query, Encoding.UTF8.GetBytes(q)))),
            (2, CometQLInputs.Query().Select(q => Command(CommandKind.StatementPrepare, Encoding.UTF8.GetBytes(q)))),
            (3, Mutate.Bytes(execute)),
            (2, Mutate.Bytes(small)));
    }

    /// <summary>A logged-in raw client with statement 1 prepared (three parameters), as the execute inputs expect.</summary>
    private static async Task<RawMySqlClient> LoggedInClientAsync(int port)
    {
        var client = await RawMySqlClient.ConnectAsync(port);
        await client.LoginAsync(DevId, TestGateway.Password, RawMySqlClient.MultiStatements);
        await client.WriteRawAsync(MySqlWire.Frame(
            [(byte)CommandKind.StatementPrepare, .. "INSERT INTO pipes_messages (name, event, message) VALUES (?, ?, ?)"u8], 0));
        var ok = await client.TryReadPacketAsync() ?? throw new InvalidOperationException("No answer to PREPARE");
        Assert.Equal(0x00, ok.Payload[0]);
        for (var i = 0; i < 4; i++)
        {
            _ = await client.TryReadPacketAsync(); // three parameter definitions and EOF
        }
        return client;
    }

    /// <summary>An error packet must carry a documented code and never the internal error (an exception nobody expected).</summary>
    private static bool CheckError(byte[] payload)
    {
        if (payload.Length == 0 || payload[0] != 0xFF)
        {
            return false;
        }
        Assert.True(payload.Length >= 9 && payload[3] == (byte)'#', "A malformed error packet: " + Convert.ToHexString(payload));
        var code = payload[1] | (payload[2] << 8);
        var message = Encoding.UTF8.GetString(payload, 9, payload.Length - 9);
        Assert.True(DocumentedCodes.Contains(code), $"Undocumented error {code}: {message}");
        Assert.NotEqual(CometQLErrors.InternalError.Message, message);
        return true;
    }

    private static async Task AssertFreshClientIsServedAsync(TestGateway gateway)
    {
        await using var backend = await CometQLBackend.OpenAsync(gateway);
        var rows = await backend.RowsAsync("SELECT 1");
        Assert.Equal("1", Assert.Single(rows)[0]);
    }
}
