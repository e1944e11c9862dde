using MySqlConnector;

namespace Comet.Testing.Clients;

/// <summary>
/// A backend sending numbered personal messages (data "1", "2", … per user) at a steady rate: every
/// <c>interval</c> the next number to each user, each INSERT through CometQL on a random live gateway,
/// one after the other, so that a user's numbers are sent in order. A message counts as sent once its
/// INSERT returned OK; an INSERT that fails stops the sender with an exception naming it (a retry could
/// send a number twice, and a test could no longer tell a duplicate from the server's).
/// </summary>
public sealed class NumberedPersonalSender(LiveGateways gateways, IReadOnlyList<long> users, TimeSpan interval, string @event = "n")
    : IAsyncDisposable
{
    private readonly Dictionary<GatewayProcess, MySqlConnection> _connections = [];
    private readonly Dictionary<long, List<SentMessage>> _sent = users.ToDictionary(u => u, _ => new List<SentMessage>());

    /// <summary>How many messages user <paramref name="user"/> was sent (numbers 1 to this).</summary>
    public int SentTo(long user)
    {
        lock (_sent)
        {
            return _sent[user].Count;
        }
    }

    /// <summary>Every message sent to <paramref name="user"/>, in order.</summary>
    public IReadOnlyList<SentMessage> Log(long user)
    {
        lock (_sent)
        {
            return [.. _sent[user]];
        }
    }

    public int Total
    {
        get
        {
            lock (_sent)
            {
                return _sent.Values.Sum(l => l.Count);
            }
        }
    }

    /// <summary>Sends until <paramref name="stop"/>.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        while (!stop.IsCancellationRequested)
        {
            foreach (var user in users)
            {
                await SendAsync(user);
            }
            try
            {
                await timer.WaitForNextTickAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections.Values)
        {
            await connection.DisposeAsync();
        }
        _connections.Clear();
    }

    private async Task SendAsync(long user)
    {
        var number = SentTo(user) + 1;
        var started = DateTime.UtcNow;
        var gateway = await gateways.RunStatementAsync(async node =>
        {
            try
            {
                if (!_connections.TryGetValue(node, out var connection))
                {
                    connection = await CometQLBackend.OpenConnectionAsync(node.ConnectionString());
                    _connections[node] = connection;
                }
                await using var command = new MySqlCommand($"INSERT INTO users_messages (id, event, message) VALUES ({user}, '{@event}', '{number}')", connection);
                await command.ExecuteNonQueryAsync();
            }
            catch (Exception e) when (e is MySqlException or InvalidOperationException or IOException)
            {
                throw new InvalidOperationException($"The INSERT of message {number} for user {user} on {node.NodeName} (alive) failed.", e);
            }
            return node.NodeName;
        });
        lock (_sent)
        {
            _sent[user].Add(new SentMessage(number, gateway, started, DateTime.UtcNow));
        }
    }
}

/// <summary>One message a <see cref="NumberedPersonalSender"/> sent: its INSERT started and returned OK between the two times.</summary>
public sealed record SentMessage(int Number, string Gateway, DateTime Started, DateTime Acknowledged);
