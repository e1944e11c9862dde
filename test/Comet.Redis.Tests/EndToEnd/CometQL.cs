using Comet.Testing;
using MySql.Data.MySqlClient;

namespace Comet.Redis.Tests.EndToEnd;

/// <summary>A backend talking CometQL to one node with MySql.Data, as a .NET site would.</summary>
internal static class CometQL
{
    public static async Task ExecuteAsync(GatewayProcess node, string sql)
    {
        await using var connection = new MySqlConnection(node.ConnectionString());
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<List<string[]>> QueryAsync(GatewayProcess node, string sql)
    {
        await using var connection = new MySqlConnection(node.ConnectionString());
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await reader.ReadAsync())
        {
            var row = new string[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.GetValue(i)?.ToString() ?? "";
            }
            rows.Add(row);
        }
        return rows;
    }
}
