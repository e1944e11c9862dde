using System.Collections.Concurrent;
using Comet.Testing;
using Comet.Testing.Clients;

namespace Comet.Redis.Tests.Topologies;

/// <summary>
/// Measures when writes to one shard work again: every 100 ms it sends a personal message (event
/// <c>probe</c>, which users do not count) to a user of that shard on a connection of its own, without
/// waiting for the previous one, and records when each started and ended and whether it was acknowledged.
/// </summary>
internal sealed class WriteProbe(ChaosBackend clock, IReadOnlyList<long> users, Func<GatewayProcess> pickLiveNode)
{
    private readonly ConcurrentQueue<(TimeSpan Started, TimeSpan Ended, bool Acknowledged)> _writes = new();

    public async Task RunAsync(CancellationToken stop)
    {
        var running = new List<Task>();
        var round = 0;
        while (!stop.IsCancellationRequested)
        {
            // At most a few at once: writes stuck on a hung master must not starve the test's threads.
            running.RemoveAll(t => t.IsCompleted);
            if (running.Count < 8)
            {
                var user = users[round++ % users.Count];
                running.Add(Task.Run(() => WriteAsync(user), CancellationToken.None));
            }
            await Task.Delay(100, CancellationToken.None);
        }
        await Task.WhenAll(running);
    }

    /// <summary>When the first write started after <paramref name="after"/> was acknowledged (MaxValue: none was).</summary>
    public TimeSpan FirstSuccessStartedAfter(TimeSpan after) =>
        _writes.Where(w => w.Acknowledged && w.Started >= after).Select(w => w.Ended).DefaultIfEmpty(TimeSpan.MaxValue).Min();

    /// <summary>When the last failed write ended (<paramref name="from"/> when none failed).</summary>
    public TimeSpan LastFailureEnd(TimeSpan from) =>
        _writes.Where(w => !w.Acknowledged && w.Started >= from).Select(w => w.Ended).DefaultIfEmpty(from).Max();

    private async Task WriteAsync(long user)
    {
        var started = clock.Now;
        bool acknowledged;
        try
        {
            await CometQLBackend.ExecuteAsync(pickLiveNode(), $"INSERT INTO users_messages (id, event, message) VALUES ({user}, 'probe', 'probe')");
            acknowledged = true;
        }
        catch (Exception e)
        {
            clock.Errors.AddOrUpdate("probe: " + e.GetType().Name + ": " + e.Message, 1, (_, n) => n + 1);
            acknowledged = false;
        }
        _writes.Enqueue((started, clock.Now, acknowledged));
    }
}
