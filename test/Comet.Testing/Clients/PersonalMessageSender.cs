using System.Collections.Concurrent;
using MySqlConnector;

namespace Comet.Testing.Clients;

/// <summary>
/// A backend that keeps sending personal messages over CometQL, one per user per round, until stopped.
/// A message counts as sent (acknowledged) once its INSERT returned OK; a failed INSERT is sent again on a
/// new connection (a duplicate is harmless, a loss is not), so <see cref="Sent"/> is exactly what the
/// gateways acknowledged.
/// </summary>
public sealed class PersonalMessageSender(string connectionString, IReadOnlyList<long> users, string @event)
{
    private readonly ConcurrentBag<(long User, string Text)> _sent = [];

    public IReadOnlyCollection<(long User, string Text)> Sent => _sent;

    /// <summary>The messages acknowledged for one user.</summary>
    public IReadOnlySet<string> SentTo(long user) => _sent.Where(s => s.User == user).Select(s => s.Text).ToHashSet();

    /// <summary>Sends rounds until <paramref name="stop"/>; returns how many rounds were sent.</summary>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        MySqlConnection? connection = null;
        var round = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                round++;
                foreach (var user in users)
                {
                    var text = $"r{round}u{user}";
                    while (true)
                    {
                        try
                        {
                            connection ??= await CometQLBackend.OpenConnectionAsync(connectionString);
                            await using var command = new MySqlCommand($"INSERT INTO users_messages (id, event, message) VALUES ({user}, '{@event}', '{text}')", connection);
                            await command.ExecuteNonQueryAsync(CancellationToken.None);
                            _sent.Add((user, text));
                            break;
                        }
                        catch (Exception e) when (e is MySqlException or InvalidOperationException or IOException)
                        {
                            // The node behind this connection went away: reconnect through the load balancer.
                            if (connection is not null)
                            {
                                await connection.DisposeAsync();
                                connection = null;
                            }
                            await Task.Delay(100, CancellationToken.None);
                        }
                    }
                }
                await Task.Delay(100, CancellationToken.None);
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
        return round;
    }
}
