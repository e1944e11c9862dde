using System.Data;
using MySqlConnector;
using Xunit;

namespace Comet.Testing.Clients;

/// <summary>
/// A site backend talking CometQL through MySqlConnector (what .NET backends use), with helpers that
/// return what a backend would look at. Open one for a session, or use the static one-shot helpers.
/// </summary>
public sealed class CometQLBackend : IAsyncDisposable
{
    private CometQLBackend(MySqlConnection connection) => Connection = connection;

    public MySqlConnection Connection { get; }

    /// <summary>Opens a session; <paramref name="extra"/> is appended to the connection string (e.g. ";ConnectionTimeout=5").</summary>
    public static Task<CometQLBackend> OpenAsync(TestGateway gateway, string user = "root", string extra = "") =>
        OpenAsync(gateway.ConnectionString(user) + extra);

    /// <summary>Opens a session; <paramref name="extra"/> is appended to the connection string (e.g. ";ConnectionTimeout=5").</summary>
    public static Task<CometQLBackend> OpenAsync(GatewayProcess node, string user = "root", string extra = "") =>
        OpenAsync(node.ConnectionString(user) + extra);

    public static async Task<CometQLBackend> OpenAsync(string connectionString) =>
        new(await OpenConnectionAsync(connectionString));

    /// <summary>A plain open MySqlConnection, for tests that exercise the driver itself.</summary>
    public static async Task<MySqlConnection> OpenConnectionAsync(string connectionString)
    {
        var connection = new MySqlConnection(connectionString);
        try
        {
            await connection.OpenAsync();
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        return connection;
    }

    /// <summary>Runs one statement on a connection of its own (as user root); returns (affected rows, last insert id).</summary>
    public static Task<(int Affected, long InsertId)> ExecuteAsync(GatewayProcess node, string sql) =>
        ExecuteOnceAsync(node.ConnectionString(), sql);

    /// <summary>Runs one query on a connection of its own (as user root); returns its rows as text (NULL as null).</summary>
    public static Task<List<string?[]>> RowsAsync(GatewayProcess node, string sql) =>
        RowsOnceAsync(node.ConnectionString(), sql);

    /// <summary>Runs one statement on a connection of its own; returns (affected rows, last insert id).</summary>
    public static async Task<(int Affected, long InsertId)> ExecuteOnceAsync(string connectionString, string sql)
    {
        await using var backend = await OpenAsync(connectionString);
        return await backend.ExecuteAsync(sql);
    }

    /// <summary>Runs one query on a connection of its own; returns its rows as text (NULL as null).</summary>
    public static async Task<List<string?[]>> RowsOnceAsync(string connectionString, string sql)
    {
        await using var backend = await OpenAsync(connectionString);
        return await backend.RowsAsync(sql);
    }

    /// <summary>The rows of a query on <paramref name="connection"/> as text (NULL as null).</summary>
    public static async Task<List<string?[]>> RowsAsync(MySqlConnection connection, string sql) =>
        (await QueryAsync(connection, sql)).Rows;

    /// <summary>Runs a query on <paramref name="connection"/>; returns the column names and rows as text (NULL as null).</summary>
    public static async Task<(string[] Columns, List<string?[]> Rows)> QueryAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var columns = new string[reader.FieldCount];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = reader.GetName(i);
        }
        var rows = new List<string?[]>();
        while (await reader.ReadAsync())
        {
            var row = new string?[columns.Length];
            for (var i = 0; i < row.Length; i++)
            {
                // As text whatever the column's type (integer columns are BIGINT), as the tests compare them.
                row[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
            }
            rows.Add(row);
        }
        return (columns, rows);
    }

    /// <summary>Runs a statement; returns (affected rows, last insert id).</summary>
    public async Task<(int Affected, long InsertId)> ExecuteAsync(string sql)
    {
        await using var command = new MySqlCommand(sql, Connection);
        var affected = await command.ExecuteNonQueryAsync();
        return (affected, command.LastInsertedId);
    }

    /// <summary>Runs a query; returns the column names and rows as text (NULL as null).</summary>
    public Task<(string[] Columns, List<string?[]> Rows)> QueryAsync(string sql) => QueryAsync(Connection, sql);

    /// <summary>The rows of a query as text (NULL as null).</summary>
    public Task<List<string?[]>> RowsAsync(string sql) => RowsAsync(Connection, sql);

    /// <summary>Runs a statement that must fail; returns the error number and text.</summary>
    public async Task<(int Code, string Message)> ErrorAsync(string sql)
    {
        await using var command = new MySqlCommand(sql, Connection);
        var e = await Assert.ThrowsAsync<MySqlException>(async () =>
        {
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.Default);
            while (await reader.ReadAsync())
            {
            }
        });
        return (e.Number, e.Message);
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
