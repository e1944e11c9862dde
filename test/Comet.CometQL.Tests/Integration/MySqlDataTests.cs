using MySql.Data.MySqlClient;

namespace Comet.CometQL.Tests.Integration;

/// <summary>
/// MySql.Data 8.0.16 (Connector/NET, 2019), the driver older .NET backends still run: a compatibility
/// target. The other tests use MySqlConnector (MySqlConnectorTests).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class MySqlDataTests(GatewayFixture fixture)
{
    private async Task<MySqlConnection> OpenAsync(string user = "root")
    {
        var connection = new MySqlConnection(fixture.Gateway.ConnectionString(user));
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<List<string?[]>> RowsAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string?[]>();
        while (await reader.ReadAsync())
        {
            var row = new string?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
            }
            rows.Add(row);
        }
        return rows;
    }

    [Fact]
    public async Task Opens_and_reads_the_server_version()
    {
        await using var connection = await OpenAsync();
        Assert.StartsWith("5.7.99", connection.ServerVersion, StringComparison.Ordinal);
        await using var command = new MySqlCommand("SELECT DATABASE()", connection);
        Assert.Equal("CometQL_v1", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Text_queries_insert_select_and_delete()
    {
        await using var connection = await OpenAsync("41");
        await using (var insert = new MySqlCommand("INSERT INTO users_auth (id, hash) VALUES (5, 'h5'), (6, 'h6')", connection))
        {
            Assert.Equal(2, await insert.ExecuteNonQueryAsync());
            Assert.Equal(5, insert.LastInsertedId);
        }
        var rows = await RowsAsync(connection, "SELECT id, hash FROM users_auth WHERE id IN (5, 6, 7)");
        Assert.Equal([["5", "h5"], ["6", "h6"]], rows);
        await using (var delete = new MySqlCommand("DELETE FROM users_auth WHERE id = 5", connection))
        {
            Assert.Equal(0, await delete.ExecuteNonQueryAsync());
        }
        Assert.Equal([["6", "h6"]], await RowsAsync(connection, "SELECT id, hash FROM users_auth WHERE id IN (5, 6)"));
    }

    [Fact]
    public async Task Server_side_prepared_statements_with_parameters()
    {
        await using var connection = await OpenAsync("42");
        await using (var insert = new MySqlCommand("INSERT INTO users_data (id, data) VALUES (@id, @data)", connection))
        {
            insert.Parameters.AddWithValue("@id", 3);
            insert.Parameters.AddWithValue("@data", "it's {\"a\":\"\\\\\"}");
            await insert.PrepareAsync();
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }
        await using var select = new MySqlCommand("SELECT data FROM users_data WHERE id = @id", connection);
        select.Parameters.AddWithValue("@id", 3L);
        await select.PrepareAsync();
        Assert.Equal("it's {\"a\":\"\\\\\"}", await select.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Errors_carry_the_CometQL_code_and_the_connection_stays_usable()
    {
        await using var connection = await OpenAsync();
        await using var bad = new MySqlCommand("SELECT * FROM no_such_table WHERE id = 1", connection);
        var e = await Assert.ThrowsAsync<MySqlException>(() => bad.ExecuteReaderAsync());
        Assert.Equal(15, e.Number);
        Assert.Equal("Table doesn't exist", e.Message);
        Assert.Equal([["1", "-1"]], await RowsAsync(connection, "SELECT id, time FROM users_time WHERE id = 1"));
    }

    [Fact]
    public async Task A_wrong_password_is_refused()
    {
        await using var connection = new MySqlConnection(fixture.Gateway.ConnectionString(password: "wrong"));
        var e = await Assert.ThrowsAsync<MySqlException>(() => connection.OpenAsync());
        Assert.Contains("Authentication failure", e.Message, StringComparison.Ordinal);
    }
}
