using Comet.Core.Names;
using Comet.Redis.Scripts;
using Comet.Redis.Stores;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Comet.Redis.Node;

/// <summary>
/// The node's lease and the cluster's reaper, on one timer: renew this node's heartbeat, re-register
/// everything if Redis forgot the node (a Redis restart, or a lease that expired during a pause),
/// remove the connections of nodes whose lease expired, and now and then wake every local user in
/// case a wake-up was lost.
/// </summary>
internal sealed partial class NodeLease : IAsyncDisposable
{
    private const int SweepEveryBeats = 10;

    private readonly NodeContext _context;
    private readonly RedisPresence _presence;
    private readonly PersonalInbox _inbox;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _ttl;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _lastBeatMs;

    public NodeLease(NodeContext context, RedisPresence presence, PersonalInbox inbox, TimeSpan interval, TimeSpan ttl)
    {
        _context = context;
        _presence = presence;
        _inbox = inbox;
        _interval = interval;
        _ttl = ttl;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>True while the lease was renewed within its TTL.</summary>
    public bool IsFresh => NowMs - Interlocked.Read(ref _lastBeatMs) < (long)_ttl.TotalMilliseconds;

    // Leases use the real clock: they are about processes being alive, not about message times.
    private static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>Renews the lease once now (start-up waits for it so that readiness is immediate).</summary>
    public async Task BeatAsync()
    {
        await _context.Router.SubscribeNodeChannelsAsync().ConfigureAwait(false);
        var now = NowMs;
        var added = (long)await _context.Client.EvalAsync(RedisScripts.Heartbeat,
            [_context.Keys.Nodes, _context.Keys.NodeReaped(_context.Node)], [_context.Node, now]).ConfigureAwait(false);
        Interlocked.Exchange(ref _lastBeatMs, now);
        if (added == 1 && _context.Connections.Count > 0)
        {
            LogRestoring(_context.Logger, _context.Node, _context.Connections.Count);
            await RestoreOrAskAgainAsync().ConfigureAwait(false);
        }
        else if (_context.TakeRestoreRequest())
        {
            LogRestoringAfterFailure(_context.Logger, _context.Node, _context.Connections.Count);
            await RestoreOrAskAgainAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops the timer (the caller decides whether to leave the cluster cleanly).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var beats = 0;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_interval, _stop.Token).ConfigureAwait(false);
                await BeatAsync().ConfigureAwait(false);
                await ReapDeadNodesAsync().ConfigureAwait(false);
                if (++beats % SweepEveryBeats == 0)
                {
                    _inbox.WakeAll();
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogBeatFailed(_context.Logger, e, _context.Node);
            }
        }
    }

    private async Task RestoreOrAskAgainAsync()
    {
        try
        {
            await RestoreAsync().ConfigureAwait(false);
        }
        catch
        {
            _context.RequestRestore();
            throw;
        }
    }

    /// <summary>Registers every local connection and subscription again, without track_ announcements.</summary>
    private async Task RestoreAsync()
    {
        // Concurrently: the lanes keep each user's work in order, and spread the rest.
        await Task.WhenAll(_context.Connections.Snapshot().Select(RestoreAsync)).ConfigureAwait(false);
        _inbox.WakeAll();
    }

    private async Task RestoreAsync((Comet.Core.Engine.ConnectionInfo Connection, List<string> Pipes) local)
    {
        var (connection, pipes) = local;
        if (connection.UserId > 0)
        {
            await _context.Lanes.RunAsync(connection.DevId, connection.UserId, async () =>
            {
                var result = await _presence.RegisterAsync(connection).ConfigureAwait(false);
                foreach (var message in result.QueuedMessages)
                {
                    _context.Delivery.DeliverToUser(connection.DevId, connection.UserId, message.ToQueuedDelivery());
                }
                return true;
            }).ConfigureAwait(false);
        }
        if (pipes.Count > 0)
        {
            await _presence.AddToPipesAsync(connection, pipes, announce: false).ConfigureAwait(false);
        }
    }

    private async Task ReapDeadNodesAsync()
    {
        var deadline = NowMs - (long)_ttl.TotalMilliseconds;
        var dead = await _context.Client.RunAsync(db => db.SortedSetRangeByScoreWithScoresAsync(_context.Keys.Nodes, double.NegativeInfinity, deadline)).ConfigureAwait(false);
        foreach (var entry in dead)
        {
            var node = (string)entry.Element!;
            if (node != _context.Node)
            {
                await ReapAsync(node, (long)entry.Score).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Takes a dead node's connections out of presence; its users go offline at its last heartbeat.</summary>
    internal async Task ReapAsync(string node, long lastBeatMs)
    {
        var keys = _context.Keys;
        var lastSeen = lastBeatMs / 1000;
        var users = await _context.Client.RunAsync(db => db.SetMembersAsync(keys.NodeUsers(node))).ConfigureAwait(false);
        var pipes = await _context.Client.RunAsync(db => db.SetMembersAsync(keys.NodePipes(node))).ConfigureAwait(false);
        LogReaping(_context.Logger, node, users.Length, pipes.Length);

        await _context.Client.EvalBatchAsync(users.Select(m => ParseMember((string)m!)).Where(m => m.Ok).Select(m =>
        {
            var userId = long.Parse(m.Name, System.Globalization.CultureInfo.InvariantCulture);
            return (RedisScripts.ReapUser,
                new RedisKey[] { keys.UserConnections(m.DevId, userId), keys.UserQueueState(m.DevId, userId), keys.UserTime(m.DevId, userId) },
                new RedisValue[]
                {
                    node, lastSeen, keys.PipeChannel(m.DevId, PipeNames.UserStatus(userId)),
                    Wire.BusPayload.PipeMessage(Core.Messages.PresenceEvents.UserOffline(userId), origin: ""),
                });
        })).ConfigureAwait(false);

        var now = _context.NowSeconds;
        await _context.Client.EvalBatchAsync(pipes.Select(m => ParseMember((string)m!)).Where(m => m.Ok).Select(m => (
            RedisScripts.ReapPipe,
            new RedisKey[] { keys.PipeSubscribers(m.DevId, m.Name) },
            new RedisValue[] { node, PipeNames.IsTracked(m.Name) ? "1" : "0", keys.PipeChannel(m.DevId, m.Name), now }))).ConfigureAwait(false);

        await _context.Client.RunAsync(db => db.KeyDeleteAsync([keys.NodeUsers(node), keys.NodePipes(node)])).ConfigureAwait(false);
        // A node that renewed meanwhile keeps its place, and a marker tells it to register everything again.
        var markerSeconds = (long)Math.Max(60, _ttl.TotalSeconds * 10);
        await _context.Client.EvalAsync(RedisScripts.ForgetNode, [keys.Nodes, keys.NodeReaped(node)], [node, lastBeatMs, markerSeconds]).ConfigureAwait(false);
    }

    private static (bool Ok, int DevId, string Name) ParseMember(string member)
    {
        var colon = member.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !int.TryParse(member.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var devId))
        {
            return (false, 0, "");
        }
        return (true, devId, member[(colon + 1)..]);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node}: lease renewal or reaping failed")]
    private static partial void LogBeatFailed(ILogger logger, Exception exception, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node}: Redis had forgotten this node; registering {Connections} connections again")]
    private static partial void LogRestoring(ILogger logger, string node, int connections);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node}: a subscription change failed in Redis; registering {Connections} connections again")]
    private static partial void LogRestoringAfterFailure(ILogger logger, string node, int connections);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reaping dead node {DeadNode}: {Users} users, {Pipes} pipes")]
    private static partial void LogReaping(ILogger logger, string deadNode, int users, int pipes);
}
