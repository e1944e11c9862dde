using System.Collections.Concurrent;
using Comet.Core.Engine;
using Comet.Core.Messages;
using Comet.Core.Names;
using Comet.Redis.Client;
using Comet.Redis.Node;
using Comet.Redis.Scripts;
using Comet.Redis.Wire;

namespace Comet.Redis.Stores;

/// <summary>
/// Cluster-wide presence: a hash of connection id -> registration id per user (limit, online/offline,
/// who to wake), a hash of connection id -> record per pipe (counts, users_in_pipes, track_),
/// users_time. A user's connect and disconnect run in the user's lane, so they keep order with message
/// takes and with registering everything again. What is local is the node's to say (<see cref="ILocalNode"/>):
/// this class keeps no copy of it, only which registrations it is running right now.
/// </summary>
internal sealed class RedisPresence(NodeContext context) : IPresence
{
    // Connections whose first registration is queued in their user's lane: registering everything again
    // leaves them to it (it runs after, under the id of then), so they are not registered twice.
    private readonly ConcurrentDictionary<string, byte> _connecting = new(StringComparer.Ordinal);

    private RedisKeys Keys => context.Keys;

    public async Task<ConnectResult> ConnectAsync(ClientRecord connection)
    {
        if (connection.UserId <= 0)
        {
            // An anonymous connection counts only in the pipes it subscribes to.
            return ConnectResult.Empty;
        }
        var (devId, userId) = (connection.DevId, connection.UserId);
        _connecting[connection.ConnectionId] = 0;
        ConnectResult result;
        try
        {
            result = await context.Lanes.RunAsync(devId, userId, async () =>
            {
                try
                {
                    var (accepted, entries, registration, resume) = await RegisterAsync(connection, again: false).ConfigureAwait(false);
                    if (!accepted)
                    {
                        return ConnectResult.TooManyConnections;
                    }
                    foreach (var entry in entries)
                    {
                        context.Inbox.Recent.Add(devId, userId, entry.UniqueId);
                    }
                    if (entries.Count > 0)
                    {
                        // The new connection gets them in its greeting (the transport gives them back to the
                        // queue if that fails): they leave the queue now.
                        if (!await context.Inbox.ConfirmAsync(devId, userId, registration, entries[^1]).ConfigureAwait(false))
                        {
                            context.Inbox.Wake(devId, userId);
                        }
                    }
                    return new ConnectResult(true, Fresh(entries).Select(e => e.Message).ToList())
                    {
                        ResumedAfter = resume.After,
                        Missed = resume.Missed,
                    };
                }
                finally
                {
                    _connecting.TryRemove(connection.ConnectionId, out _);
                }
            }).ConfigureAwait(false);
        }
        catch
        {
            // The registration may have been made without its answer reaching us: undo it (idempotent;
            // the node also repeats the disconnect until Redis takes it).
            await context.Lanes.RunAsync(devId, userId, () => UnregisterQuietlyAsync(connection)).ConfigureAwait(false);
            throw;
        }
        if (result.Accepted)
        {
            // When the node already had connections of the user, the new one gets what is pending live.
            context.Inbox.Wake(devId, userId);
        }
        return result;
    }

    public async Task DisconnectAsync(ClientRecord connection, IReadOnlyCollection<string> pipes)
    {
        try
        {
            await RemoveFromPipesAsync(connection, pipes, announce: true).ConfigureAwait(false);
        }
        finally
        {
            if (connection.UserId > 0)
            {
                await context.Lanes.RunAsync(connection.DevId, connection.UserId, () => UnregisterAsync(connection)).ConfigureAwait(false);
            }
        }
    }

    public async Task UpdateSubscriptionsAsync(ClientRecord connection, IReadOnlyCollection<string> added, IReadOnlyCollection<string> removed)
    {
        await RemoveFromPipesAsync(connection, removed, announce: true).ConfigureAwait(false);
        await AddToPipesAsync(connection, added, announce: true).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<PipeCount>> CountSubscribersAsync(int devId, IReadOnlyCollection<string> pipes)
    {
        var list = pipes.ToList();
        var counts = await context.Client.HashLengthsAsync(list.Select(p => Keys.PipeSubscribers(devId, p)).ToList()).ConfigureAwait(false);
        return list.Select((p, i) => new PipeCount(p, counts[i])).ToList();
    }

    public async Task<IReadOnlyList<ClientRecord>> GetSubscribersAsync(int devId, string pipe)
    {
        var entries = await context.Client.HashGetAllAsync(Keys.PipeSubscribers(devId, pipe)).ConfigureAwait(false);
        return entries.Select(e => SubscriberRecord.Decode(devId, e.Field, e.Value)).ToList();
    }

    public async Task<IReadOnlyList<UserTime>> GetUserTimesAsync(int devId, IReadOnlyCollection<long> userIds)
    {
        var list = userIds.ToList();
        var values = await context.Client.GetStringsAsync(list.Select(id => Keys.UserTime(devId, id)).ToList()).ConfigureAwait(false);
        return list.Select((id, i) => new UserTime(id, long.TryParse(values[i], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var t) ? t : -1)).ToList();
    }

    /// <summary>
    /// Registers every local connection and subscription again under the current registration id, as the
    /// node reports them, without announcing anything: after Redis lost the node's writes (a restart, a
    /// failover) or the node took a new id. Messages the user's connections had not taken are handed to them.
    /// </summary>
    internal async Task RegisterAllAgainAsync()
    {
        var local = context.Local;
        var users = local.Users.Select(user => context.Lanes.RunAsync(user.DevId, user.UserId, async () =>
        {
            // Read in the lane: a connect or disconnect queued before this one has run, later ones run after.
            foreach (var connection in local.ClientsOf(user.DevId, user.UserId).Where(c => !_connecting.ContainsKey(c.ConnectionId)))
            {
                var (_, entries, registration, _) = await RegisterAsync(connection, again: true).ConfigureAwait(false);
                QueueEntry? last = null;
                foreach (var entry in entries)
                {
                    if (!context.Inbox.Deliver(user.DevId, user.UserId, entry, live: false))
                    {
                        break;
                    }
                    last = entry;
                }
                if (last is { } delivered && !await context.Inbox.ConfirmAsync(user.DevId, user.UserId, registration, delivered).ConfigureAwait(false))
                {
                    context.Inbox.Wake(user.DevId, user.UserId);
                }
            }
        }));
        var pipes = local.Subscriptions().Where(c => c.Pipes.Count > 0).Select(async c =>
        {
            await AddToPipesAsync(c.Client, c.Pipes, announce: false).ConfigureAwait(false);
            // A pipe left (or a connection closed) while this ran may have been registered after its
            // removal: take it out again.
            var now = local.PipesOf(c.Client.ConnectionId);
            var gone = c.Pipes.Where(p => !now.Contains(p)).ToList();
            if (gone.Count > 0)
            {
                await ChangePipesAsync(c.Client, gone, "-", RedisArg.Empty, announce: false, _ => null!).ConfigureAwait(false);
            }
        });
        await Task.WhenAll(users.Concat(pipes)).ConfigureAwait(false);
        context.Inbox.WakeAll();
    }

    public async Task<bool> AcknowledgeAsync(ClientRecord connection, long seq)
    {
        var (devId, userId) = (connection.DevId, connection.UserId);
        var limits = context.Limits;
        var result = await context.Client.EvalAsync(
            RedisScripts.Acknowledge,
            [Keys.UserQueueState(devId, userId), Keys.UserQueue(devId, userId)],
            [connection.ConnectionId, seq, context.NowMilliseconds, (long)limits.AckWindowAge.TotalMilliseconds, limits.AckWindowLength]).ConfigureAwait(false);
        return result.AsLong() == 1;
    }

    /// <summary>Registers an authorised connection in Redis (inside the user's lane) and reads what is
    /// queued for it, or for a connection that acknowledges what it resumes (the caller confirms what it
    /// hands on); returns the registration id used last.</summary>
    private async Task<(bool Accepted, List<QueueEntry> Entries, string Registration, Resume Resume)> RegisterAsync(ClientRecord connection, bool again)
    {
        var (devId, userId) = (connection.DevId, connection.UserId);
        var entries = new List<QueueEntry>();
        var accepted = true;
        var resume = default(Resume);
        var limits = context.Limits;
        var registration = context.Registration;
        var online = PresenceEvents.UserOnline(userId);
        var status = Keys.PipePublishChannel(devId, PipeNames.UserStatus(userId));
        await context.RegisterUnderCurrentIdAsync(async node =>
        {
            registration = node;
            // Index first: a node that dies right after the script must still be reaped for this user.
            await context.Client.SetAddAsync(Keys.NodeUsers(node), [Member(devId, userId)]).ConfigureAwait(false);
            var result = await context.Client.EvalAsync(
                RedisScripts.Connect,
                [Keys.UserConnections(devId, userId), Keys.UserQueueState(devId, userId), Keys.UserQueue(devId, userId), Keys.UserTime(devId, userId)],
                [connection.ConnectionId, node, limits.MaxConnectionsPerUser, status.Name,
                 BusPayload.PipeMessage(online, context.Identity.Id, context.NowMilliseconds), Keys.PublishCommand, again ? "1" : "0",
                 connection.ResumeAfter is { } after ? after : RedisArg.Empty, context.NowMilliseconds,
                 (long)limits.AckWindowAge.TotalMilliseconds, limits.AckWindowLength, limits.MaxConnectionsPerUser * 4,
                 (long)limits.OfflineQueueTtl.TotalMilliseconds]).ConfigureAwait(false);
            if (!again && result.Length > 2)
            {
                resume = new Resume(result[2].AsLong(), result[3].AsLong() > 0 ? new SeqRange(result[3].AsLong(), result[4].AsLong()) : null);
            }
            again = true; // a second round (the id changed meanwhile) moves the same connection
            if (result[0].AsLong() == 0)
            {
                accepted = false;
                return;
            }
            if (result[1].AsLong() == 1)
            {
                context.Local.DeliverToPipe(devId, online);
            }
            for (var i = FirstEntry; i < result.Length; i++)
            {
                var entry = QueueEntryCodec.Decode(result[i].AsBytes());
                if (!entries.Exists(e => e.Seq == entry.Seq))
                {
                    entries.Add(entry);
                }
            }
        }).ConfigureAwait(false);
        return (accepted, entries, registration, resume);
    }

    /// <summary>Where connect.lua's reply lists the entries (after the flags and the resume fields).</summary>
    private const int FirstEntry = 5;

    /// <summary>What connect.lua says about a connection: the seq it resumes after (without acknowledgements:
    /// the user's seq when it registered) and, when it acknowledges, what it missed.</summary>
    private readonly record struct Resume(long After, SeqRange? Missed);

    /// <summary>The entries not older than the offline queue's time to live.</summary>
    private IEnumerable<QueueEntry> Fresh(List<QueueEntry> entries)
    {
        var oldest = context.NowSeconds - (long)context.Limits.OfflineQueueTtl.TotalSeconds;
        return entries.Where(e => e.Message.Time >= oldest);
    }

    /// <summary>Adds a connection's pipes in Redis (after the node listens to them).</summary>
    private Task AddToPipesAsync(ClientRecord connection, IReadOnlyCollection<string> pipes, bool announce)
    {
        if (pipes.Count == 0)
        {
            return Task.CompletedTask;
        }
        var devId = connection.DevId;
        var now = context.NowSeconds;
        return context.RegisterUnderCurrentIdAsync(async node =>
        {
            await context.Client.SetAddAsync(Keys.NodePipes(node), pipes.Select(p => Member(devId, p)).ToList()).ConfigureAwait(false);
            var record = SubscriberRecord.Encode(node, connection);
            await ChangePipesAsync(connection, pipes, "+", record, announce, pipe => PresenceEvents.Joined(pipe, connection, now)).ConfigureAwait(false);
        });
    }

    /// <summary>Runs subscribe.lua for each pipe (pipelined) and delivers locally the track_ events it published.</summary>
    private async Task ChangePipesAsync(
        ClientRecord connection, IReadOnlyCollection<string> pipes, string operation, RedisArg record, bool announce,
        Func<string, CometMessage> trackEvent)
    {
        var devId = connection.DevId;
        var events = pipes.Select(p => announce && PipeNames.IsTracked(p) ? trackEvent(p) : null).ToList();
        var results = await context.Client.EvalBatchAsync(pipes.Select((pipe, i) => new ScriptCall(
            RedisScripts.Subscribe,
            [Keys.PipeSubscribers(devId, pipe)],
            [
                operation, connection.ConnectionId, record, events[i] is null ? "0" : "1",
                Keys.PipePublishChannel(devId, pipe).Name,
                events[i] is { } e ? BusPayload.PipeMessage(e, context.Identity.Id, context.NowMilliseconds) : RedisArg.Empty,
                Keys.PublishCommand,
            ])).ToList()).ConfigureAwait(false);
        for (var i = 0; i < results.Length; i++)
        {
            if (events[i] is { } e && results[i][1].AsLong() == 1)
            {
                context.Local.DeliverToPipe(devId, e);
            }
        }
    }

    private Task RemoveFromPipesAsync(ClientRecord connection, IReadOnlyCollection<string> pipes, bool announce)
    {
        if (pipes.Count == 0)
        {
            return Task.CompletedTask;
        }
        var now = context.NowSeconds;
        return ChangePipesAsync(connection, pipes, "-", RedisArg.Empty, announce, pipe => PresenceEvents.Left(pipe, connection, now));
    }

    private async Task UnregisterQuietlyAsync(ClientRecord connection)
    {
        try
        {
            await UnregisterAsync(connection).ConfigureAwait(false);
        }
        catch (StorageUnavailableException)
        {
            // Perhaps still registered: the next heartbeat registers everything under a new id, and the
            // old id's leftovers are reaped.
            context.RequestFreshRegistration();
        }
    }

    private async Task UnregisterAsync(ClientRecord connection)
    {
        var (devId, userId) = (connection.DevId, connection.UserId);
        var offline = PresenceEvents.UserOffline(userId);
        var node = context.Registration;
        var result = await context.Client.EvalAsync(
            RedisScripts.Disconnect,
            [Keys.UserConnections(devId, userId), Keys.UserQueueState(devId, userId), Keys.UserTime(devId, userId)],
            [connection.ConnectionId, node, context.NowSeconds,
             Keys.PipePublishChannel(devId, PipeNames.UserStatus(userId)).Name,
             BusPayload.PipeMessage(offline, context.Identity.Id, context.NowMilliseconds), Keys.PublishCommand,
             context.NowMilliseconds]).ConfigureAwait(false);
        if (result[1].AsLong() == 1)
        {
            context.Local.DeliverToPipe(devId, offline);
        }
        if (result[0].AsLong() == 0)
        {
            await context.Client.SetRemoveAsync(Keys.NodeUsers(node), [Member(devId, userId)]).ConfigureAwait(false);
        }
        if (!context.Local.HasUser(devId, userId))
        {
            context.Inbox.Recent.Forget(devId, userId);
        }
    }

    internal static string Member(int devId, long userId) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{devId}:{userId}");

    internal static string Member(int devId, string pipe) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{devId}:{pipe}");
}
