using System.Data;
using MySql.Data.MySqlClient;

namespace Comet.CometQL.Tests.Integration;

/// <summary>A MySql.Data connection with helpers that return what a backend would look at.</summary>
internal sealed class CometQLClient : IAsyncDisposable
{
    private readonly MySqlConnection _connection;

    private CometQLClient(MySqlConnection connection) => _connection = connection;

    public MySqlConnection Connection => _connection;

    public static async Task<CometQLClient> OpenAsync(Comet.Testing.TestGateway gateway, string user = "root", string extra = "")
    {
        var connection = new MySqlConnection(gateway.ConnectionString(user) + extra);
        await connection.OpenAsync();
        return new CometQLClient(connection);
    }

    /// <summary>Runs a statement; returns (affected rows, last insert id).</summary>
    public async Task<(int Affected, long InsertId)> ExecuteAsync(string sql)
    {
        await using var command = new MySqlCommand(sql, _connection);
        var affected = await command.ExecuteNonQueryAsync();
        return (affected, command.LastInsertedId);
    }

    /// <summary>Runs a query; returns the column names and rows as text.</summary>
    public async Task<(string[] Columns, List<string?[]> Rows)> QueryAsync(string sql)
    {
        await using var command = new MySqlCommand(sql, _connection);
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
                row[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
            }
            rows.Add(row);
        }
        return (columns, rows);
    }

    /// <summary>The rows of a query.</summary>
    public async Task<List<string?[]>> RowsAsync(string sql) => (await QueryAsync(sql)).Rows;

    /// <summary>Runs a statement that must fail; returns the error number and text.</summary>
    public async Task<(int Code, string Message)> ErrorAsync(string sql)
    {
        await using var command = new MySqlCommand(sql, _connection);
        var e = await Assert.ThrowsAsync<MySqlException>(async () =>
        {
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.Default);
            while (await reader.ReadAsync())
            {
            }
        });
        return (e.Number, e.Message);
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
