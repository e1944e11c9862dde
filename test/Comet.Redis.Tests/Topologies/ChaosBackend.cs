using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Comet.Testing;
using Comet.Testing.Clients;

namespace Comet.Redis.Tests.Topologies;

/// <summary>
/// A backend that sends numbered personal messages (round-robin over the users) and numbered pipe
/// messages through random live gateways, over CometQL, and records which were acknowledged, which
/// failed and with what error, and when.
/// </summary>
internal sealed class ChaosBackend(IReadOnlyList<long> users, string pipe, Func<GatewayProcess> pickLiveNode)
{
    private readonly ConcurrentDictionary<long, long> _nextPersonal = new();
    private readonly ConcurrentDictionary<string, CometQLBackend> _connections = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<(long User, long Number), TimeSpan> _acknowledgedAt = new();
    private long _nextPipe;

    /// <summary>Acknowledged personal message numbers per user, in send order.</summary>
    public ConcurrentDictionary<long, ConcurrentQueue<long>> AcknowledgedPersonal { get; } = new();

    /// <summary>Personal message numbers whose INSERT failed (they may or may not arrive).</summary>
    public ConcurrentDictionary<long, ConcurrentQueue<long>> FailedPersonal { get; } = new();

    public ConcurrentQueue<long> AcknowledgedPipe { get; } = new();

    /// <summary>Every error message, with how often it came.</summary>
    public ConcurrentDictionary<string, int> Errors { get; } = new();

    /// <summary>Per user, the times (since start) of each send and whether it was acknowledged.</summary>
    public ConcurrentDictionary<long, ConcurrentQueue<(TimeSpan At, bool Acknowledged)>> Attempts { get; } = new();

    public TimeSpan Now => _clock.Elapsed;

    /// <summary>When each of <paramref name="numbers"/> (personal messages to <paramref name="user"/>) was acknowledged.</summary>
    public IEnumerable<TimeSpan> AcknowledgedAt(long user, IReadOnlyCollection<long> numbers) =>
        _acknowledgedAt.Where(a => a.Key.User == user && numbers.Contains(a.Key.Number)).Select(a => a.Value);

    /// <summary>Sends until <paramref name="stop"/>: a personal message every <paramref name="gap"/>, a pipe
    /// message every fourth round.</summary>
    public async Task RunAsync(TimeSpan gap, CancellationToken stop)
    {
        var round = 0;
        while (!stop.IsCancellationRequested)
        {
            var user = users[round % users.Count];
            await SendPersonalAsync(user);
            if (round % 4 == 0)
            {
                await SendPipeAsync();
            }
            round++;
            await Task.Delay(gap, CancellationToken.None);
        }
        foreach (var connection in _connections.Values)
        {
            await connection.DisposeAsync();
        }
    }

    private async Task SendPersonalAsync(long user)
    {
        var number = _nextPersonal.AddOrUpdate(user, 1, (_, n) => n + 1);
        var ok = await TryExecuteAsync($"INSERT INTO users_messages (id, event, message) VALUES ({user}, 'n', '{number}')");
        (ok ? AcknowledgedPersonal : FailedPersonal).GetOrAdd(user, _ => new()).Enqueue(number);
        if (ok)
        {
            _acknowledgedAt[(user, number)] = Now;
        }
        Attempts.GetOrAdd(user, _ => new()).Enqueue((Now, ok));
    }

    private async Task SendPipeAsync()
    {
        var number = Interlocked.Increment(ref _nextPipe);
        if (await TryExecuteAsync($"INSERT INTO pipes_messages (name, event, message) VALUES ('{pipe}', 'p', '{number}')"))
        {
            AcknowledgedPipe.Enqueue(number);
        }
    }

    private async Task<bool> TryExecuteAsync(string sql)
    {
        var node = pickLiveNode();
        try
        {
            if (!_connections.TryGetValue(node.NodeName, out var connection))
            {
                connection = await CometQLBackend.OpenAsync(node);
                _connections[node.NodeName] = connection;
            }
            await connection.ExecuteAsync(sql);
            return true;
        }
        catch (Exception e)
        {
            Errors.AddOrUpdate(e.GetType().Name + ": " + e.Message, 1, (_, n) => n + 1);
            if (_connections.TryRemove(node.NodeName, out var broken))
            {
                await broken.DisposeAsync();
            }
            return false;
        }
    }

    public string Describe() => string.Join("; ", users.Select(u => string.Create(CultureInfo.InvariantCulture,
        $"user {u}: {AcknowledgedPersonal.GetValueOrDefault(u)?.Count ?? 0} acknowledged, {FailedPersonal.GetValueOrDefault(u)?.Count ?? 0} failed")));
}
