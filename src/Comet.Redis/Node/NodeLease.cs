using Comet.Redis.Scripts;
using Comet.Redis.Stores;
using Microsoft.Extensions.Logging;

namespace Comet.Redis.Node;

/// <summary>
/// The node's lease, on one timer: renew the heartbeat of its registration id; take a new id and
/// register everything again when the old one is gone (reaped while the node was paused, or lost by
/// Redis) or when a failover may have lost some of the node's writes; reap dead and retired ids; and
/// now and then wake every local user in case a wake-up was lost.
/// </summary>
internal sealed partial class NodeLease : IAsyncDisposable
{
    private const int SweepEveryBeats = 10;

    private readonly NodeContext _context;
    private readonly RedisPresence _presence;
    private readonly Reaper _reaper;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _ttl;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _retiring = [];
    // Start-up's first beat and the timer's may overlap when Redis is slow: one beat at a time.
    private readonly SemaphoreSlim _beating = new(1, 1);
    private readonly Task _loop;
    private long _lastBeatMs;
    private long _topologyChangedMs;
    private bool _registered;
    private int _stopped;

    public NodeLease(NodeContext context, RedisPresence presence, TimeSpan interval, TimeSpan ttl)
    {
        _context = context;
        _presence = presence;
        _reaper = new Reaper(context, ttl);
        _interval = interval;
        _ttl = ttl;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>True while the lease was renewed within its TTL.</summary>
    public bool IsFresh => NowMs - Interlocked.Read(ref _lastBeatMs) < (long)_ttl.TotalMilliseconds;

    /// <summary>This node's reaper (tests drive it directly).</summary>
    internal Reaper Reaper => _reaper;

    // Leases use the real clock: they are about processes being alive, not about message times.
    private static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>A connection failed or a master moved: once things settle, register everything again
    /// under a new id (writes acknowledged by a master that went away may be lost).</summary>
    public void TopologyChanged() => Interlocked.Exchange(ref _topologyChangedMs, NowMs);

    /// <summary>Renews the lease once now (start-up waits for it so that readiness is immediate).</summary>
    public async Task BeatAsync()
    {
        await _beating.WaitAsync().ConfigureAwait(false);
        try
        {
            await BeatOnceAsync().ConfigureAwait(false);
        }
        finally
        {
            _beating.Release();
        }
    }

    private async Task BeatOnceAsync()
    {
        // First: with the master dead, the renewal below fails until the client follows the new one.
        await _context.Client.RefreshTopologyAsync().ConfigureAwait(false);
        if (!await RenewAsync(_context.Registration, first: !_registered).ConfigureAwait(false))
        {
            LogRegistrationLost(_context.Logger, _context.Registration);
            await ReincarnateAsync().ConfigureAwait(false);
            return;
        }
        _registered = true;
        var changedAt = Interlocked.Read(ref _topologyChangedMs);
        if ((changedAt != 0 && NowMs - changedAt >= (long)_interval.TotalMilliseconds) || _context.TakeFreshRegistrationRequest())
        {
            Interlocked.CompareExchange(ref _topologyChangedMs, 0, changedAt);
            LogReconciling(_context.Logger, _context.Registration, _context.Local.Subscriptions().Count);
            await ReincarnateAsync().ConfigureAwait(false);
        }
        else if (_retiring.Count > 0 || _context.TakeRestoreRequest())
        {
            LogRestoringAfterFailure(_context.Logger, _context.Registration, _context.Local.Subscriptions().Count);
            await RegisterAllAgainAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops the timer and returns the ids still to retire (the caller decides whether to leave
    /// the cluster cleanly).</summary>
    public async Task<IReadOnlyList<string>> StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
            _stop.Dispose();
            _beating.Dispose();
        }
        return [.. _retiring];
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private async Task RunAsync()
    {
        var beats = 0;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_interval, _stop.Token).ConfigureAwait(false);
                await BeatAsync().ConfigureAwait(false);
                await _reaper.ReapAsync([]).ConfigureAwait(false);
                if (++beats % SweepEveryBeats == 0)
                {
                    _context.Inbox.WakeAll();
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogBeatFailed(_context.Logger, e, _context.Registration);
            }
        }
    }

    /// <summary>Renews an id's heartbeat; false when the id is no longer live.</summary>
    private async Task<bool> RenewAsync(string id, bool first)
    {
        var now = NowMs;
        var renewed = await _context.Client.EvalAsync(RedisScripts.Heartbeat, [_context.Keys.Nodes], [id, now, first ? "1" : "0"]).ConfigureAwait(false);
        if (renewed.AsLong() == 1 && id == _context.Registration)
        {
            Interlocked.Exchange(ref _lastBeatMs, now);
        }
        return renewed.AsLong() == 1;
    }

    /// <summary>
    /// Takes a new registration id and registers everything under it; the old id keeps its heartbeat
    /// until then, so its users do not flap offline, and is reaped afterwards: whatever Redis still
    /// holds under it that this node no longer has (a disconnect a failover lost) leaves presence.
    /// </summary>
    private async Task ReincarnateAsync()
    {
        var old = _context.Reincarnate();
        _retiring.Add(old);
        await RenewAsync(_context.Registration, first: true).ConfigureAwait(false);
        await RegisterAllAgainAsync().ConfigureAwait(false);
    }

    private async Task RegisterAllAgainAsync()
    {
        foreach (var id in _retiring)
        {
            await RenewAsync(id, first: false).ConfigureAwait(false);
        }
        try
        {
            await _presence.RegisterAllAgainAsync().ConfigureAwait(false);
        }
        catch
        {
            _context.RequestRestore();
            throw;
        }
        if (_retiring.Count > 0)
        {
            await _reaper.ReapAsync(_retiring).ConfigureAwait(false);
            _retiring.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease renewal or reaping failed for registration {Registration}")]
    private static partial void LogBeatFailed(ILogger logger, Exception exception, string registration);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registration {Registration} is gone from Redis (reaped while paused, or lost); registering everything again under a new id")]
    private static partial void LogRegistrationLost(ILogger logger, string registration);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis failed over or lost a connection; registering {Connections} connections again under a new id (was {Registration})")]
    private static partial void LogReconciling(ILogger logger, string registration, int connections);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A registration change failed in Redis; registering {Connections} connections of {Registration} again")]
    private static partial void LogRestoringAfterFailure(ILogger logger, string registration, int connections);
}
