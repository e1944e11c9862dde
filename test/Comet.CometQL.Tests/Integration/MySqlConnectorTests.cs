using Comet.Testing;
using Dapper;
using MySqlConnector;

namespace Comet.CometQL.Tests.Integration;

/// <summary>
/// MySqlConnector, the driver .NET backends use, read the way its users read: typed getters, Dapper
/// mapping rows onto records, prepared statements, and errors whose SQLSTATE a retry policy can judge.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class MySqlConnectorTests(GatewayFixture fixture)
{
    private Task<MySqlConnection> OpenAsync(string user) => CometQLBackend.OpenConnectionAsync(fixture.Gateway.ConnectionString(user));

    [Fact]
    public async Task Typed_getters_read_users_time_as_integers()
    {
        await using var connection = await OpenAsync("61");
        await using var command = new MySqlCommand("SELECT * FROM users_time WHERE id IN (7, 8)", connection);
        await using var reader = await command.ExecuteReaderAsync();

        Assert.True(await reader.ReadAsync());
        Assert.Equal(typeof(long), reader.GetFieldType(0));
        Assert.Equal(7L, reader.GetInt64(0));
        Assert.Equal(-1L, reader.GetInt64(1));
        Assert.Equal(-1, reader.GetInt32(1));
        Assert.Equal("BIGINT", reader.GetDataTypeName(1));
        Assert.True(await reader.ReadAsync());
        Assert.Equal(8L, reader.GetInt64(0));
    }

    [Fact]
    public async Task Dapper_maps_rows_onto_typed_records_in_text_and_prepared_queries()
    {
        await using var connection = await OpenAsync("62");
        await connection.ExecuteAsync("INSERT INTO pipes_settings (name, length) VALUES ('web_typed', 5)");
        await connection.ExecuteAsync("INSERT INTO pipes_messages (name, event, message) VALUES ('web_typed', 'e', 'one'), ('web_typed', 'e', 'two')");

        var settings = await connection.QuerySingleAsync<PipeSetting>("SELECT name, length FROM pipes_settings WHERE name = 'web_typed'");
        Assert.Equal(new PipeSetting("web_typed", 5), settings);

        var log = (await connection.QueryAsync<LogEntry>(
            "SELECT name, `index`, time, message FROM pipes_messages WHERE name = @name", new { name = "web_typed" })).ToList();
        Assert.Equal(["one", "two"], log.Select(e => e.Message));
        Assert.Equal([0L, 1L], log.Select(e => e.Index));
        Assert.All(log, e => Assert.InRange(e.Time, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds()));

        // A server-side prepared statement reads the binary row format: 8-byte integers.
        await using var prepared = new MySqlCommand("SELECT id, time FROM users_time WHERE id = @id", connection);
        prepared.Parameters.AddWithValue("@id", 9L);
        await prepared.PrepareAsync();
        await using var reader = await prepared.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(9L, reader.GetInt64(0));
        Assert.Equal(-1L, reader.GetInt64(1));
    }

    [Fact]
    public async Task A_user_read_back_from_users_auth_has_a_numeric_id_and_a_text_hash()
    {
        await using var connection = await OpenAsync("63");
        await connection.ExecuteAsync("INSERT INTO users_auth (id, hash) VALUES (@id, @hash)", new { id = 4_000_000_000L, hash = "h4" });

        var user = await connection.QuerySingleAsync<UserAuth>("SELECT id, hash FROM users_auth WHERE id = 4000000000");

        Assert.Equal(new UserAuth(4_000_000_000L, "h4"), user);
    }

    [Theory]
    [InlineData("selekt 1", 3, "42000")]
    [InlineData("SELECT * FROM no_such_table WHERE id = 1", 15, "42S02")]
    [InlineData("SELECT nope FROM users_time WHERE id = 1", 14, "42S22")]
    [InlineData("SELECT * FROM users_auth WHERE id = 1 OR id = 2", 2, "42000")]
    [InlineData("INSERT INTO users_auth (id, hash) VALUES (1)", 14, "21S01")]
    [InlineData("INSERT INTO users_time (id, time) VALUES (1, 2)", 10, "HY000")]
    public async Task Errors_carry_the_CometQL_number_and_MySQLs_SQLSTATE(string sql, int number, string sqlState)
    {
        await using var connection = await OpenAsync("64");

        var e = await Assert.ThrowsAsync<MySqlException>(() => connection.ExecuteAsync(sql));

        Assert.Equal(number, e.Number);
        Assert.Equal(sqlState, e.SqlState);
        // A retry policy asks the driver whether to try again: not for these.
        Assert.False(e.IsTransient);
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT id FROM users_time WHERE id = 1"));
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_28000()
    {
        await using var connection = new MySqlConnection(fixture.Gateway.ConnectionString(password: "wrong"));

        var e = await Assert.ThrowsAsync<MySqlException>(() => connection.OpenAsync());

        Assert.Contains("Authentication failure", e.Message, StringComparison.Ordinal);
        Assert.Equal("28000", e.SqlState);
    }

    private sealed record PipeSetting(string Name, long Length);

    private sealed record LogEntry(string Name, long Index, long Time, string Message);

    private sealed record UserAuth(long Id, string Hash);
}
