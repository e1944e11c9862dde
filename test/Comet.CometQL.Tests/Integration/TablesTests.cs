using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Comet.Core.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.CometQL.Tests.Integration;

/// <summary>Every table of spec §1.4 through MySql.Data: columns, validation, affected rows and insert ids.</summary>
[Collection(GatewayCollection.Name)]
public sealed class TablesTests(GatewayFixture fixture)
{
    private Task<CometQLBackend> OpenAsync(string devId) => CometQLBackend.OpenAsync(fixture.Gateway, devId);

    [Fact]
    public async Task Pipes_messages_logs_the_newest_length_messages_oldest_first()
    {
        await using var client = await OpenAsync("101");
        Assert.Equal((1, 0L), await client.ExecuteAsync("INSERT INTO pipes_settings (name, length) VALUES ('p10', 3)"));
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal((0, 0L), await client.ExecuteAsync($"INSERT INTO pipes_messages (name, event, message) VALUES ('p10', 'ev{i}', 'm{i}')"));
        }
        var (columns, rows) = await client.QueryAsync("SELECT * FROM pipes_messages WHERE name = 'p10'");
        Assert.Equal(["id", "time", "name", "index", "event", "message", "user_id"], columns);
        // The original stops logging when the log is full; we keep the newest.
        Assert.Equal(["m3", "m4", "m5"], rows.Select(r => r[5]));
        Assert.Equal(["0", "1", "2"], rows.Select(r => r[3]));
        Assert.All(rows, r => Assert.Equal("p10", r[2]));
        Assert.All(rows, r => Assert.Equal("0", r[6]));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.All(rows, r => Assert.InRange(long.Parse(r[1]!, CultureInfo.InvariantCulture), now - 60, now + 60));

        Assert.Equal(
            [["p10", "1", "ev4", "m4"]],
            await client.RowsAsync("SELECT name, `index`, event, message FROM pipes_messages WHERE name = \"p10\" LIMIT 1, 1"));

        await client.ExecuteAsync($"DELETE FROM pipes_messages WHERE id = '{rows[0][0]}'");
        Assert.Equal(["m4", "m5"], (await client.RowsAsync("SELECT message FROM pipes_messages WHERE name = 'p10'")).Select(r => r[0]));
        Assert.Equal((0, 0L), await client.ExecuteAsync("DELETE FROM pipes_messages WHERE name = 'p10'"));
        Assert.Empty(await client.RowsAsync("SELECT * FROM pipes_messages WHERE name = 'p10'"));
    }

    [Fact]
    public async Task Pipes_messages_validates_names_and_events()
    {
        await using var client = await OpenAsync("102");
        Assert.Equal((11, "Channel name is too long"), await client.ErrorAsync($"INSERT INTO pipes_messages (name, event, message) VALUES ('{new string('a', 65)}', 'e', 'm')"));
        Assert.Equal((17, "Channel name is too short"), await client.ErrorAsync("INSERT INTO pipes_messages (name, event, message) VALUES ('ab', 'e', 'm')"));
        Assert.Equal((12, "The channel name can contain only the characters A-Za-z0-9_-"), await client.ErrorAsync("INSERT INTO pipes_messages (name, event, message) VALUES ('a b c', 'e', 'm')"));
        Assert.Equal((11, "Channel event_name is too long"), await client.ErrorAsync($"INSERT INTO pipes_messages (name, event, message) VALUES ('abc', '{new string('e', 65)}', 'm')"));
        Assert.Equal((0, 0L), await client.ExecuteAsync($"INSERT INTO pipes_messages (name, event, message) VALUES ('{new string('a', 64)}', '', 'm')"));
        Assert.Equal((14, "Error in columns list"), await client.ErrorAsync("INSERT INTO pipes_messages VALUES ('abc', 'e', 'm')"));
    }

    [Fact]
    public async Task Pipes_and_users_in_pipes_answer_for_a_node_without_subscribers_and_are_read_only()
    {
        await using var client = await OpenAsync("103");
        Assert.Equal(
            [["web_admins", "0"], ["web_php_chat", "0"]],
            await client.RowsAsync("select * from pipes where name in( \"web_admins\", \"web_php_chat\", \"x\")"));
        var (columns, rows) = await client.QueryAsync("select * from users_in_pipes where name = \"web_admins\"");
        Assert.Equal(["name", "user_id", "user_uuid", "user_agent", "ip", "origin", "language"], columns);
        Assert.Empty(rows);
        Assert.Equal((10, "Table `pipes` is read only"), await client.ErrorAsync("INSERT INTO pipes (name, users) VALUES ('abc', 1)"));
        Assert.Equal((10, "Table `pipes` is read only"), await client.ErrorAsync("DELETE FROM pipes WHERE name = 'abc'"));
        Assert.Equal((10, "Table `users_in_pipes` is read only"), await client.ErrorAsync("DELETE FROM users_in_pipes WHERE name = 'abc'"));
    }

    [Fact]
    public async Task Pipes_settings_replaces_clamps_and_delete_drops_the_log()
    {
        await using var client = await OpenAsync("104");
        Assert.Equal((1, 0L), await client.ExecuteAsync("insert into pipes_settings (name, length) values ('p10', 10)"));
        Assert.Equal([["p10", "10"]], await client.RowsAsync("select * from pipes_settings where name = 'p10'"));
        await client.ExecuteAsync("insert into pipes_settings (name, length) values ('p10', 5000), ('p11', -3)");
        Assert.Equal([["p10", "1000"], ["p11", "0"]], await client.RowsAsync("select * from pipes_settings where name in ('p10', 'p11', 'p12')"));
        await client.ExecuteAsync("insert into pipes_messages (name, event, message) values ('p10', 'e', 'kept')");
        Assert.Single(await client.RowsAsync("select * from pipes_messages where name = 'p10'"));
        Assert.Equal((0, 0L), await client.ExecuteAsync("delete from pipes_settings where name = 'p10'"));
        Assert.Empty(await client.RowsAsync("select * from pipes_settings where name = 'p10'"));
        Assert.Empty(await client.RowsAsync("select * from pipes_messages where name = 'p10'"));
        Assert.Equal((12, "Invalid numeric value"), await client.ErrorAsync("insert into pipes_settings (name, length) values ('p10', 'ten')"));
    }

    [Fact]
    public async Task Users_messages_queues_for_an_offline_user_and_answers_ok_0_id()
    {
        await using var client = await OpenAsync("105");
        Assert.Equal((0, 2L), await client.ExecuteAsync("insert into users_messages (id, event, message)values (2, 'evnt1', 'message')"));
        await client.ExecuteAsync("insert into users_messages (id, event, message)values (2, 'evnt2', 'messag2')");
        var (columns, rows) = await client.QueryAsync("select * from users_messages where id = 2");
        Assert.Equal(["id", "index", "event", "message"], columns);
        Assert.Equal([["2", "evnt1", "message"], ["2", "evnt2", "messag2"]], rows.Select(r => new[] { r[0], r[2], r[3] }));
        Assert.Equal((0, 0L), await client.ExecuteAsync("delete from users_messages where id = 2"));
        Assert.Empty(await client.RowsAsync("select * from users_messages where id = 2"));
        Assert.Equal((12, "Invalid user id value"), await client.ErrorAsync("insert into users_messages (id, event, message) values ('x', 'e', 'm')"));
    }

    [Fact]
    public async Task Users_time_has_a_row_per_requested_id_and_is_read_only()
    {
        await using var client = await OpenAsync("106");
        Assert.Equal([["2", "-1"], ["3", "-1"], ["145", "-1"]], await client.RowsAsync("select * from users_time where id in( 2, 3, 145)"));
        Assert.Equal([["-1"]], await client.RowsAsync("SELECT time FROM users_time WHERE id = 7"));
        Assert.Equal((10, "Table `users_time` is read only"), await client.ErrorAsync("insert into users_time (id, time) values (1, 1)"));
    }

    [Fact]
    public async Task Users_auth_checks_hash_characters_first_then_length()
    {
        await using var client = await OpenAsync("107");
        Assert.Equal((1, 12L), await client.ExecuteAsync("insert into users_auth (id, hash )values (12, 'hash1')"));
        Assert.Equal([["12", "hash1"]], await client.RowsAsync("select * from users_auth where id in(2, 3, 12)"));
        Assert.Equal((1, 12L), await client.ExecuteAsync("insert into users_auth (id, hash )values (12, 'A+/=_9')"));
        Assert.Equal([["A+/=_9"]], await client.RowsAsync("select hash from users_auth where id = 12"));
        Assert.Equal((12, "Contains an invalid characters in the string hash"), await client.ErrorAsync($"insert into users_auth (id, hash) values (1, '{new string('-', 40)}')"));
        Assert.Equal((11, "Hash string is too long"), await client.ErrorAsync($"insert into users_auth (id, hash) values (1, '{new string('a', 33)}')"));
        Assert.Equal((12, "Invalid user id value"), await client.ErrorAsync("insert into users_auth (id, hash) values (0, 'abc')"));
        Assert.Equal((0, 0L), await client.ExecuteAsync("delete from users_auth where id = 12"));
        Assert.Empty(await client.RowsAsync("select * from users_auth where id = 12"));
    }

    [Fact]
    public async Task Users_data_replaces_selects_and_deletes()
    {
        await using var client = await OpenAsync("108");
        Assert.Equal((1, 4L), await client.ExecuteAsync("insert into users_data (id, data) values (4, '{\"name\":\"Ann\"}')"));
        Assert.Equal((1, 4L), await client.ExecuteAsync("insert into users_data (id, data) values (4, '{\"name\":\"Bob\"}')"));
        Assert.Equal([["4", "{\"name\":\"Bob\"}"]], await client.RowsAsync("select * from users_data where id = 4"));
        await client.ExecuteAsync("delete from users_data where id = 4");
        Assert.Empty(await client.RowsAsync("select * from users_data where id = 4"));
    }

    [Fact]
    public async Task Revoked_tokens_revokes_a_valid_jwt_and_deletes_the_users_hash()
    {
        await using var client = await OpenAsync("109");
        await client.ExecuteAsync("insert into users_auth (id, hash) values (77, 'h77')");
        var jwt = Jwt(109, userId: 77, DateTimeOffset.UtcNow.AddHours(1));
        Assert.Equal((1, 1L), await client.ExecuteAsync($"insert into revoked_tokens (token) values ('{jwt}')"));
        Assert.Empty(await client.RowsAsync("select * from users_auth where id = 77"));
        Assert.Equal([[jwt]], await client.RowsAsync($"select token from revoked_tokens where token = '{jwt}'"));

        Assert.Equal((1, 1L), await client.ExecuteAsync("insert into revoked_tokens (token) values ('not-a-jwt')"));
        Assert.Equal(2, (await client.RowsAsync("select * from revoked_tokens")).Count);
        Assert.Equal((0, 0L), await client.ExecuteAsync("delete from revoked_tokens where token = 'not-a-jwt'"));
        Assert.Equal([[jwt]], await client.RowsAsync("select * from revoked_tokens"));
        Assert.Equal(13, (await client.ErrorAsync("delete from revoked_tokens")).Code);
    }

    [Fact]
    public async Task Namespaces_are_isolated_by_login()
    {
        await using (var one = await OpenAsync("110"))
        {
            await one.ExecuteAsync("insert into users_auth (id, hash) values (1, 'one')");
        }
        await using var other = await OpenAsync("111");
        Assert.Empty(await other.RowsAsync("select * from users_auth where id = 1"));
        // db_<N> switches to dev_id N when N has the same key as the login.
        await other.Connection.ChangeDatabaseAsync("db_110");
        Assert.Equal([["1", "one"]], await other.RowsAsync("select * from users_auth where id = 1"));
    }

    [Fact]
    public async Task Where_rules_of_the_dialect()
    {
        await using var client = await OpenAsync("112");
        Assert.Equal((13, "Selection without transferring the requested values of the primary key is not supported"), await client.ErrorAsync("select * from users_auth"));
        Assert.Equal((13, "Selection without transferring the requested values of the primary key is not supported"), await client.ErrorAsync("select * from users_auth where hash = 'x'"));
        Assert.Equal((14, "Not a specific column"), await client.ErrorAsync("select nope from users_auth where id = 1"));
        Assert.Equal((14, "Not a specific column"), await client.ErrorAsync("select * from users_auth where nope = 1"));
        Assert.Equal((13, "Each column in the select used only once"), await client.ErrorAsync("select id, id from users_auth where id = 1"));
        Assert.Equal((2, "Operator OR is not yet implemented"), await client.ErrorAsync("select * from users_auth where id = 1 or id = 2"));
        Assert.Equal((2, "Token ORDER BY is not yet implemented"), await client.ErrorAsync("select * from users_auth where id = 1 order by id"));
        Assert.Equal((15, "Table doesn't exist"), await client.ErrorAsync("select * from USERS_AUTH where id = 1"));
        // AND clauses on other columns are accepted and ignored, as in CppComet.
        Assert.Equal([["1", "-1"]], await client.RowsAsync("select * from users_time where id = 1 and time = 5"));
        // Every operator is a value list on its column.
        Assert.Equal([["5", "-1"]], await client.RowsAsync("select * from users_time where id > 5 - 0".Replace(" - 0", "", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Limits_on_query_size_values_and_columns()
    {
        await using var client = await OpenAsync("113");
        Assert.Equal((11, "Data is too long"), await client.ErrorAsync($"insert into users_data (id, data) values (1, '{new string('x', 9000)}')"));
        var ok = string.Join(",", Enumerable.Range(1, 1500));
        Assert.Equal(1500, (await client.RowsAsync($"select * from users_time where id in ({ok})")).Count);
        Assert.Equal(3, (await client.ErrorAsync("select * from users_time where id in (1,,2)")).Code);
    }

    [Fact]
    public async Task Several_statements_in_one_query_when_the_client_allows_it()
    {
        // MySqlConnector always asks for CLIENT_MULTI_STATEMENTS.
        await using var client = await CometQLBackend.OpenAsync(fixture.Gateway, "114");
        await client.ExecuteAsync("insert into users_auth (id, hash) values (1, 'a'); insert into users_auth (id, hash) values (2, 'b')");
        Assert.Equal([["1", "a"], ["2", "b"]], await client.RowsAsync("select * from users_auth where id in (1, 2)"));
    }

    [Fact]
    public async Task Show_status_reports_real_counters()
    {
        await using var client = await OpenAsync("115");
        var metrics = fixture.Gateway.Services.GetRequiredService<CometMetrics>();
        var before = metrics.PipeMessages;
        var personalBefore = metrics.PersonalMessages;
        await client.ExecuteAsync("insert into pipes_messages (name, event, message) values ('web_status', 'e', 'm')");
        await client.ExecuteAsync("insert into users_messages (id, event, message) values (1, 'e', 'm')");
        // Other tests of the collection may publish at the same time: at least our one message each.
        Assert.InRange(metrics.PipeMessages - before, 1, 100);
        Assert.InRange(metrics.PersonalMessages - personalBefore, 1, 100);
        var status = (await client.RowsAsync("SHOW STATUS")).ToDictionary(r => r[0]!, r => r[1]);
        Assert.Equal("115", status["dev_id"]);
        Assert.True(long.Parse(status["comet.pipe.messages"]!, CultureInfo.InvariantCulture) > before);
        Assert.True(long.Parse(status["comet.personal.messages"]!, CultureInfo.InvariantCulture) > personalBefore);
        Assert.True(long.Parse(status["comet.cometql.connections"]!, CultureInfo.InvariantCulture) >= 1);
        Assert.True(long.Parse(status["comet.cometql.queries"]!, CultureInfo.InvariantCulture) >= 1);
        // Each counter once, under its metric name: no second row under an older name.
        Assert.DoesNotContain("queries", status.Keys);
        Assert.Equal("1", status["engine_ready"]);
    }

    [Fact]
    public async Task Tool_queries_answer_like_a_MySQL_server()
    {
        await using var client = await OpenAsync("116");
        Assert.Equal([["CometQL_v1"]], await client.RowsAsync("SHOW DATABASES"));
        var tables = (await client.RowsAsync("SHOW TABLES")).Select(r => r[0]!).ToArray();
        Assert.Equal(["users_auth", "users_time", "users_messages", "pipes_messages", "users_in_pipes", "pipes", "pipes_settings", "users_data", "revoked_tokens"], tables);
        var (columns, rows) = await client.QueryAsync("DESCRIBE users_auth");
        Assert.Equal(["Field", "Type", "Null", "Key", "Default", "Extra"], columns);
        Assert.Equal(["id", "hash"], rows.Select(r => r[0]));
        Assert.Equal([["lower_case_table_names", "0"]], await client.RowsAsync("SHOW VARIABLES LIKE 'lower_case_table_names'"));
        Assert.Equal(
            [["1", "utf8mb4", "CppComet community 4.09 (AGPL license)(comet-server.com, support@comet-server.com) - Comet.Gateway"]],
            await client.RowsAsync("SELECT @@session.auto_increment_increment, @@character_set_client, @@whatever_else"));
        Assert.Empty(await client.RowsAsync("SELECT @@version LIMIT 0"));
        foreach (var set in new[] { "SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci", "SET autocommit=1", "SET @@session.sql_mode = 'STRICT'", "SET NAMES utf8", "set character_set_results = NULL" })
        {
            Assert.Equal((0, 0L), await client.ExecuteAsync(set));
        }
    }

    /// <summary>A CppComet JWT: HS256 with the key followed by the dev_id as the secret.</summary>
    internal static string Jwt(int devId, long userId, DateTimeOffset expires)
    {
        static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = Base64Url(Encoding.UTF8.GetBytes("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"));
        var payload = Base64Url(Encoding.UTF8.GetBytes($"{{\"user_id\":{userId},\"exp\":{expires.ToUnixTimeSeconds()}}}"));
        var secret = Encoding.UTF8.GetBytes(Comet.Testing.TestGateway.Password + devId.ToString(CultureInfo.InvariantCulture));
        var signature = Base64Url(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(header + "." + payload)));
        return header + "." + payload + "." + signature;
    }
}
