using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace Comet.Demo;

/// <summary>
/// The demo backend's only way to the gateway: CometQL over MySql.Data, the statements
/// Star.Comet-Chat's PHP sends (users_auth, users_messages, users_time, pipes_settings).
/// </summary>
public sealed class CometQL(IOptions<DemoOptions> options)
{
    private const string HashAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private readonly string _connectionString = new MySqlConnectionStringBuilder
    {
        Server = options.Value.CometQLHost,
        Port = (uint)options.Value.CometQLPort,
        UserID = options.Value.DevId.ToString(CultureInfo.InvariantCulture),
        Password = options.Value.Password,
        Database = "CometQL_v1",
        SslMode = MySqlSslMode.None,
    }.ConnectionString;

    /// <summary>The user's users_auth hash: the stored one, or a new random one that is stored
    /// (so every window of the user shares one hash, as Star.Comet-Chat's common.php does).</summary>
    public async Task<string> UserHashAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var stored = await ScalarAsync(connection, $"SELECT hash FROM users_auth WHERE id = {userId}", cancellationToken);
        if (!string.IsNullOrEmpty(stored))
        {
            return stored;
        }
        var hash = RandomNumberGenerator.GetString(HashAlphabet, 32);
        await ExecuteAsync(connection, $"INSERT INTO users_auth (id, hash) VALUES ({userId}, '{hash}')", cancellationToken);
        return hash;
    }

    /// <summary>Sends a personal message (it waits in the user's queue while they are offline).</summary>
    public async Task SendPersonalAsync(long userId, string eventName, string json, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // MySql.Data writes parameters as escaped literals; the gateway decodes MySQL's escapes.
        await using var command = new MySqlCommand("INSERT INTO users_messages (id, event, message) VALUES (@id, @event, @message)", connection);
        command.Parameters.AddWithValue("@id", userId);
        command.Parameters.AddWithValue("@event", eventName);
        command.Parameters.AddWithValue("@message", json);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>users_time for the users: 0 online, else the unix time they were last seen (-1 unknown).</summary>
    public async Task<Dictionary<long, long>> LastSeenAsync(IEnumerable<long> userIds, CancellationToken cancellationToken)
    {
        var ids = string.Join(", ", userIds.Select(id => id.ToString(CultureInfo.InvariantCulture)));
        var result = new Dictionary<long, long>();
        if (ids.Length == 0)
        {
            return result;
        }
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand($"SELECT id, time FROM users_time WHERE id IN ({ids})", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture)] =
                Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
        }
        return result;
    }

    /// <summary>Makes the room pipe keep its last <paramref name="length"/> messages.</summary>
    public async Task KeepRoomHistoryAsync(string pipe, int length, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, $"INSERT INTO pipes_settings (name, length) VALUES ('{pipe}', {length})", cancellationToken);
    }

    private async Task<MySqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        return connection;
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<string?> ScalarAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? null : Convert.ToString(value, CultureInfo.InvariantCulture);
    }
}
