using Comet.Core.Engine;
using Microsoft.Extensions.Logging;

namespace Comet.Node;

/// <summary>
/// Brings the engine to agree with the node about each client: the pipes it is subscribed to, and that
/// it left. A change the engine did not take (storage unavailable, a timeout) is tried again, with
/// backoff, until it does; the client need not send anything again. One change per client at a time
/// (<see cref="NodeClient.Agreement"/>), so changes reach the engine in order. What the storage later
/// loses (a failover) is the engine's to restore: it registers again what <see cref="ILocalNode"/> reports.
/// </summary>
internal sealed partial class EngineAgreement(ICometEngine engine, LocalClients clients, ILogger logger) : IAsyncDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(8);

    private readonly Lock _lock = new();
    // The clients to retry, in order; one that agreed meanwhile leaves _queued and is skipped here.
    private readonly Queue<NodeClient> _waiting = [];
    private readonly HashSet<NodeClient> _queued = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private int _disposed;

    /// <summary>Clients whose changes the engine has not taken yet.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _queued.Count;
            }
        }
    }

    /// <summary>Starts retrying in the background.</summary>
    public void Start() => _loop ??= Task.Run(RetryAsync);

    /// <summary>
    /// Tells the engine what changed for the client since it last agreed: its subscriptions, or that it
    /// left. Listening comes first, so that nothing published after the registration is missed. When the
    /// engine fails, the client waits for a retry; this never throws.
    /// </summary>
    public async Task AgreeAsync(NodeClient client)
    {
        if (await TryAgreeAsync(client))
        {
            lock (_lock)
            {
                // Agreed now: a retry still queued for it has nothing left to do.
                _queued.Remove(client);
            }
        }
        else
        {
            Enqueue(client);
        }
    }

    /// <summary>Tells the engine that the client left, with every pipe the engine may hold for it: those it
    /// agreed to and those the client had when it left (their registration may still be under way).</summary>
    public async Task LeaveAsync(NodeClient client, IReadOnlySet<string> pipes)
    {
        await client.Agreement.WaitAsync();
        client.Agreed.UnionWith(pipes);
        client.Agreement.Release();
        await AgreeAsync(client);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
        _stop.Dispose();
    }

    private async Task<bool> TryAgreeAsync(NodeClient client)
    {
        await client.Agreement.WaitAsync();
        try
        {
            if (client.Gone)
            {
                return true;
            }
            return client.Stage == ClientStage.Left ? await LeaveAsync(client) : await ChangeSubscriptionsAsync(client);
        }
        catch (Exception e)
        {
            LogNotAgreed(logger, e, client.Id);
            return false;
        }
        finally
        {
            client.Agreement.Release();
        }
    }

    private async Task<bool> ChangeSubscriptionsAsync(NodeClient client)
    {
        var pipes = client.Pipes;
        var removed = client.Agreed.Where(p => !pipes.Contains(p)).ToList();
        var added = new List<string>();
        var listening = new List<Task>();
        foreach (var pipe in pipes)
        {
            // A pipe the client left meanwhile has no listening: the next change takes it out again.
            if (!client.Agreed.Contains(pipe) && clients.ListeningTo(client, pipe) is { } listen)
            {
                added.Add(pipe);
                listening.Add(listen);
            }
        }
        if (added.Count == 0 && removed.Count == 0)
        {
            return true;
        }
        await Task.WhenAll(listening);
        await engine.Presence.UpdateSubscriptionsAsync(client.Record, added, removed);
        client.Agreed.ExceptWith(removed);
        client.Agreed.UnionWith(added);
        return true;
    }

    private async Task<bool> LeaveAsync(NodeClient client)
    {
        await engine.Presence.DisconnectAsync(client.Record, [.. client.Agreed]);
        client.Agreed.Clear();
        client.Gone = true;
        return true;
    }

    private void Enqueue(NodeClient client)
    {
        lock (_lock)
        {
            if (_queued.Add(client))
            {
                _waiting.Enqueue(client);
            }
        }
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    private bool TryDequeue(out NodeClient client)
    {
        lock (_lock)
        {
            while (_waiting.TryDequeue(out client!))
            {
                if (_queued.Remove(client))
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>
    /// Tries the waiting clients one after another. A failure ends the round (while the engine fails, one
    /// failure per round is enough to learn it) and puts the client at the back, so that one client the
    /// engine keeps refusing does not hold up the others; the pause between rounds doubles while they fail.
    /// </summary>
    private async Task RetryAsync()
    {
        var pause = FirstRetry;
        try
        {
            while (true)
            {
                await _wake.WaitAsync(_stop.Token);
                await Task.Delay(pause, _stop.Token);
                var failed = false;
                for (var left = Waiting; left > 0 && TryDequeue(out var client); left--)
                {
                    if (!await TryAgreeAsync(client))
                    {
                        Enqueue(client);
                        failed = true;
                        break;
                    }
                }
                pause = failed ? TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestRetry.Ticks)) : FirstRetry;
                if (Waiting > 0 && _wake.CurrentCount == 0)
                {
                    _wake.Release();
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The node is stopping; the engine's lease makes good what is left.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The engine did not take a change of client {ConnectionId}; trying again")]
    private static partial void LogNotAgreed(ILogger logger, Exception exception, string connectionId);
}
