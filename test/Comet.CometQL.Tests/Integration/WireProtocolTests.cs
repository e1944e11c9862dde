using System.Text;
using Comet.Core.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.CometQL.Tests.Integration;

/// <summary>The MySQL wire protocol at the byte level: greeting, auth plugins, framing, bad input.</summary>
[Collection(GatewayCollection.Name)]
public sealed class WireProtocolTests(GatewayFixture fixture)
{
    private int Port => fixture.Gateway.CometQLPort;

    [Fact]
    public async Task The_greeting_offers_neither_SSL_nor_compression_and_a_numeric_version()
    {
        await using var client = await RawMySqlClient.ConnectAsync(Port);
        Assert.Equal(10, client.Greeting[0]);
        Assert.Equal(0u, client.ServerCapabilities & 0x800); // CLIENT_SSL
        Assert.Equal(0u, client.ServerCapabilities & 0x20); // CLIENT_COMPRESS
        Assert.NotEqual(0u, client.ServerCapabilities & 0x10000); // CLIENT_MULTI_STATEMENTS
        Assert.Matches(@"^\d+\.\d+\.\d+", client.ServerVersion);
        Assert.Equal("mysql_native_password", client.AuthPlugin);
        Assert.Equal(20, client.Scramble.Length);
    }

    [Fact]
    public async Task An_unknown_auth_plugin_gets_an_auth_switch_to_native_password()
    {
        await using var client = await RawMySqlClient.ConnectAsync(Port);
        var answer = await client.SendLoginAsync("root", Encoding.UTF8.GetBytes("clear text"), "mysql_clear_password");
        Assert.Equal(0xFE, answer[0]);
        var pluginEnd = Array.IndexOf(answer, (byte)0, 1);
        Assert.Equal("mysql_native_password", Encoding.UTF8.GetString(answer, 1, pluginEnd - 1));
        var scramble = answer[(pluginEnd + 1)..^1];
        await client.WritePacketAsync(3, RawMySqlClient.NativeToken(Comet.Testing.TestGateway.Password, scramble));
        var (sequence, ok) = await client.ReadPacketAsync();
        Assert.Equal(4, sequence);
        Assert.Equal(0x00, ok[0]);
        Assert.Equal(0x00, (await client.CommandAsync(0x0E, []))[0]);
    }

    [Fact]
    public async Task Caching_sha2_password_fast_path_answers_fast_auth_success_then_ok()
    {
        await using var client = await RawMySqlClient.ConnectAsync(Port);
        var answer = await client.SendLoginAsync("root", RawMySqlClient.Sha2Token(Comet.Testing.TestGateway.Password, client.Scramble), "caching_sha2_password");
        Assert.Equal([0x01, 0x03], answer);
        Assert.Equal(0x00, (await client.ReadPacketAsync()).Payload[0]);
    }

    [Fact]
    public async Task Wrong_keys_and_lengths_are_refused_and_closed()
    {
        await using (var client = await RawMySqlClient.ConnectAsync(Port))
        {
            var answer = await client.SendLoginAsync("root", new byte[7], "mysql_native_password");
            Assert.Equal((16, "Authentication failure, authDataLen!=20"), RawMySqlClient.Error(answer));
            Assert.True(await client.IsClosedByServerAsync());
        }
        await using (var client = await RawMySqlClient.ConnectAsync(Port))
        {
            var answer = await client.SendLoginAsync("root", RawMySqlClient.NativeToken("wrong", client.Scramble), "mysql_native_password");
            Assert.Equal((16, "Authentication failure"), RawMySqlClient.Error(answer));
        }
    }

    [Fact]
    public async Task An_SSL_request_is_refused_with_a_clear_error()
    {
        await using var client = await RawMySqlClient.ConnectAsync(Port);
        var request = new byte[32];
        BitConverter.GetBytes(RawMySqlClient.ClientCapabilities | 0x800).CopyTo(request, 0);
        await client.WritePacketAsync(1, request);
        var (code, message) = RawMySqlClient.Error((await client.ReadPacketAsync()).Payload);
        Assert.Equal(16, code);
        Assert.Contains("SSL", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_packets_in_one_write_and_one_packet_across_writes()
    {
        await using var client = await RawMySqlClient.ConnectAsync(Port);
        await client.LoginAsync();
        byte[] ping = [1, 0, 0, 0, 0x0E];
        var query = Encoding.UTF8.GetBytes("SELECT DATABASE()");
        byte[] queryPacket = [(byte)(query.Length + 1), 0, 0, 0, 0x03, .. query];
        await client.WriteRawAsync([.. ping, .. queryPacket, .. ping]);
        Assert.Equal(0x00, (await client.ReadPacketAsync()).Payload[0]);
        var rows = await client.ReadResultSetAsync((await client.ReadPacketAsync()).Payload);
        Assert.Equal("CometQL_v1", Encoding.UTF8.GetString(rows[0], 1, rows[0][0]));
        Assert.Equal(0x00, (await client.ReadPacketAsync()).Payload[0]);

        foreach (var part in queryPacket.Chunk(3))
        {
            await client.WriteRawAsync(part);
            await Task.Delay(5);
        }
        rows = await client.ReadResultSetAsync((await client.ReadPacketAsync()).Payload);
        Assert.Single(rows);
    }

    [Fact]
    public async Task An_oversized_packet_gets_an_error_and_a_close()
    {
        await using var client = await RawMySqlClient.ConnectAsync(Port);
        await client.LoginAsync();
        await client.WriteRawAsync([0xFF, 0xFF, 0x7F, 0, 0x03]);
        var (code, message) = RawMySqlClient.Error((await client.ReadPacketAsync()).Payload);
        Assert.Equal(11, code);
        Assert.Contains("bigger", message, StringComparison.Ordinal);
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Unknown_commands_and_garbage_queries_get_errors_and_the_connection_stays_usable()
    {
        await using var client = await RawMySqlClient.ConnectAsync(Port);
        await client.LoginAsync();
        Assert.Equal(2, RawMySqlClient.Error(await client.CommandAsync(0x12, [1, 2, 3])).Code);
        var garbage = new byte[200];
        new Random(7).NextBytes(garbage);
        var answer = await client.CommandAsync(0x03, garbage);
        Assert.Equal(0xFF, answer[0]);
        Assert.Equal(0xFF, (await client.CommandAsync(0x17, [1]))[0]); // a truncated COM_STMT_EXECUTE
        Assert.Equal(0xFF, (await client.CommandAsync(0x03, Encoding.UTF8.GetBytes("select 1; select 2")))[0]); // no MULTI_STATEMENTS
        Assert.Equal(0x00, (await client.CommandAsync(0x0E, []))[0]);
    }

    [Fact]
    public async Task Garbage_instead_of_a_login_and_half_packets_leak_no_connection()
    {
        var metrics = fixture.Gateway.Services.GetRequiredService<CometMetrics>();
        for (var i = 0; i < 10; i++)
        {
            await using (var client = await RawMySqlClient.ConnectAsync(Port))
            {
                var garbage = new byte[64];
                new Random(i).NextBytes(garbage);
                garbage[0] = 60;
                garbage[1] = 0;
                garbage[2] = 0;
                await client.WriteRawAsync(garbage);
                var (_, answer) = await client.ReadPacketAsync();
                Assert.Equal(0xFF, answer[0]);
            }
            await using (var client = await RawMySqlClient.ConnectAsync(Port))
            {
                await client.LoginAsync();
                await client.WriteRawAsync([50, 0, 0, 0, 0x03, (byte)'s', (byte)'e']);
            }
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (metrics.CometQLConnections > 4 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        // Other tests of the collection may hold a few connections; the 20 above are all gone.
        Assert.InRange(metrics.CometQLConnections, 0, 4);
        await using var healthy = await RawMySqlClient.ConnectAsync(Port);
        await healthy.LoginAsync();
    }

    [Fact]
    public async Task A_health_check_login_connects_but_queries_are_denied()
    {
        await using var client = await RawMySqlClient.ConnectAsync(Port);
        Assert.Equal(0x00, (await client.SendLoginAsync("haproxy_check", [], "mysql_native_password", database: null))[0]);
        Assert.Equal((403, "Access denied"), RawMySqlClient.Error(await client.QueryAsync("SELECT * FROM users_time WHERE id = 1")));
        Assert.Equal(0x00, (await client.CommandAsync(0x0E, []))[0]);
    }

    [Fact]
    public async Task Prepared_statement_commands()
    {
        await using var client = await RawMySqlClient.ConnectAsync(Port);
        await client.LoginAsync();
        var prepared = await client.CommandAsync(0x16, Encoding.UTF8.GetBytes("SELECT * FROM users_time WHERE id = ?"));
        Assert.Equal(0x00, prepared[0]);
        var id = BitConverter.ToUInt32(prepared, 1);
        Assert.Equal(1, BitConverter.ToUInt16(prepared, 7));
        await client.ReadPacketAsync(); // the parameter's definition
        Assert.Equal(0xFE, (await client.ReadPacketAsync()).Payload[0]);

        // SEND_LONG_DATA has no answer; the next execution reports the refusal.
        await client.WritePacketAsync(0, [0x18, .. BitConverter.GetBytes(id), 0, 0, .. "abc"u8.ToArray()]);
        byte[] execute = [.. BitConverter.GetBytes(id), 0, 1, 0, 0, 0, 0, 1, 0x08, 0, .. BitConverter.GetBytes(5L)];
        Assert.Equal(2, RawMySqlClient.Error(await client.CommandAsync(0x17, execute)).Code);

        // A binary result set: 0x00, NULL bitmap, then the values: the BIGINT id as 8 bytes, little-endian.
        var first = await client.CommandAsync(0x17, execute);
        var rows = await client.ReadResultSetAsync(first);
        var row = Assert.Single(rows);
        Assert.Equal(0x00, row[0]);
        Assert.Equal(5L, BitConverter.ToInt64(row, 2));

        Assert.Equal(0x00, (await client.CommandAsync(0x1A, BitConverter.GetBytes(id)))[0]);
        await client.WritePacketAsync(0, [0x19, .. BitConverter.GetBytes(id)]); // CLOSE: no answer
        Assert.Equal(1, RawMySqlClient.Error(await client.CommandAsync(0x17, execute)).Code);
        Assert.Equal(3, RawMySqlClient.Error(await client.CommandAsync(0x16, "SELEC ?"u8.ToArray())).Code);
    }

    [Fact]
    public async Task The_number_of_prepared_statements_per_connection_is_bounded()
    {
        await using var client = await RawMySqlClient.ConnectAsync(Port);
        await client.LoginAsync();
        for (var i = 0; i < 64; i++)
        {
            Assert.Equal(0x00, (await client.CommandAsync(0x16, "SELECT @@version"u8.ToArray()))[0]);
        }
        Assert.Equal(21, RawMySqlClient.Error(await client.CommandAsync(0x16, "SELECT @@version"u8.ToArray())).Code);
    }

    [Fact]
    public async Task The_small_commands()
    {
        await using var client = await RawMySqlClient.ConnectAsync(Port);
        await client.LoginAsync();

        // COM_FIELD_LIST: one definition per column, then EOF.
        await client.WritePacketAsync(0, [0x04, .. "users_auth"u8.ToArray(), 0]);
        var names = new List<string>();
        while (true)
        {
            var (_, packet) = await client.ReadPacketAsync();
            if (packet[0] == 0xFE)
            {
                break;
            }
            names.Add(ColumnName(packet));
        }
        Assert.Equal(["id", "hash"], names);

        // COM_INIT_DB
        Assert.Equal(0x00, (await client.CommandAsync(0x02, "db_12"u8.ToArray()))[0]);
        Assert.Equal((15, "Select database failure"), RawMySqlClient.Error(await client.CommandAsync(0x02, "mysql"u8.ToArray())));

        // COM_SET_OPTION turns multi-statements on (answered with EOF), then two results follow each other.
        Assert.Equal(0xFE, (await client.CommandAsync(0x1B, [0, 0]))[0]);
        var first = await client.QueryAsync("SELECT 1; SELECT 2");
        await client.ReadPacketAsync();
        await client.ReadPacketAsync();
        await client.ReadPacketAsync();
        var eof = (await client.ReadPacketAsync()).Payload;
        Assert.Equal(0xFE, eof[0]);
        Assert.NotEqual(0, eof[3] & 0x08); // SERVER_MORE_RESULTS_EXISTS
        Assert.Equal(1, first[0]);
        Assert.Single(await client.ReadResultSetAsync((await client.ReadPacketAsync()).Payload));

        // COM_STATISTICS answers a text; COM_RESET_CONNECTION and COM_PING answer OK.
        Assert.StartsWith("Uptime:", System.Text.Encoding.UTF8.GetString(await client.CommandAsync(0x09, [])), StringComparison.Ordinal);
        Assert.Equal(0x00, (await client.CommandAsync(0x1F, []))[0]);
        Assert.Equal(0x00, (await client.CommandAsync(0x0E, []))[0]);

        // COM_QUIT: the server closes.
        await client.WritePacketAsync(0, [0x01]);
        Assert.True(await client.IsClosedByServerAsync());
    }

    private static string ColumnName(byte[] definition)
    {
        var i = 0;
        for (var field = 0; field < 4; field++)
        {
            i += 1 + definition[i];
        }
        return System.Text.Encoding.UTF8.GetString(definition, i + 1, definition[i]);
    }
}
