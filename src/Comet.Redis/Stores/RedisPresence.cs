using System.Runtime.ExceptionServices;
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
/// takes and with registering everything again.
/// </summary>
internal sealed class RedisPresence(NodeContext context) : IPresence
{
    private RedisKeys Keys => context.Keys;

    public async Task<ConnectResult> ConnectAsync(ClientRecord connection)
    {
        if (connection.UserId <= 0)
        {
            context.Connections.Add(connection);
            return ConnectResult.Empty;
        }
        var (devId, userId) = (connection.DevId, connection.UserId);
        // Listen to the user's channel before registering, so that no wake-up is missed.
        await context.Router.AcquireUserAsync(devId, userId).ConfigureAwait(false);
        ConnectResult result;
        try
        {
            result = await context.Lanes.RunAsync(devId, userId, async () =>
            {
                var (accepted, entries, registration) = await RegisterAsync(connection, again: false).ConfigureAwait(false);
                if (!accepted)
                {
                    return ConnectResult.TooManyConnections;
                }
                context.Connections.Add(connection);
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
                return new ConnectResult(true, Fresh(entries).Select(e => e.Message).ToList());
            }).ConfigureAwait(false);
        }
        catch
        {
            context.Router.ReleaseUser(devId, userId);
            // The registration may have been made without its answer reaching us: undo it (idempotent).
            await context.Lanes.RunAsync(devId, userId, () => UnregisterQuietlyAsync(connection)).ConfigureAwait(false);
            throw;
        }
        if (!result.Accepted)
        {
            context.Router.ReleaseUser(devId, userId);
            return result;
        }
        // When the node already had connections of the user, the new one gets what is pending live.
        context.Inbox.Wake(devId, userId);
        return result;
    }

    public async Task DisconnectAsync(ClientRecord connection)
    {
        if (!context.Connections.TryRemove(connection, out var pipes))
        {
            return;
        }
        try
        {
            await RemoveFromPipesAsync(connection, pipes, announce: true).ConfigureAwait(false);
        }
        finally
        {
            if (connection.UserId > 0)
            {
                try
                {
                    await context.Lanes.RunAsync(connection.DevId, connection.UserId, () => UnregisterAsync(connection)).ConfigureAwait(false);
                }
                finally
                {
                    context.Router.ReleaseUser(connection.DevId, connection.UserId);
                }
            }
        }
    }

    public async Task UpdateSubscriptionsAsync(ClientRecord connection, IReadOnlyCollection<string> added, IReadOnlyCollection<string> removed)
    {
        var (reallyAdded, reallyRemoved) = context.Connections.Update(connection, added, removed);
        // A failed removal (the router reference is dropped all the same) must not leave the added pipes
        // known locally without their router references: add them, then report the failure.
        ExceptionDispatchInfo? removalFailure = null;
        try
        {
            await RemoveFromPipesAsync(connection, reallyRemoved, announce: true).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Redis may still count the connection in those pipes: the next heartbeat registers again.
            context.RequestRestore();
            removalFailure = ExceptionDispatchInfo.Capture(e);
        }
        if (reallyAdded.Count > 0)
        {
            await AddPipesAsync(connection, reallyAdded).ConfigureAwait(false);
        }
        removalFailure?.Throw();
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
    /// Registers every local connection and subscription again under the current registration id,
    /// without announcing anything: after Redis lost the node's writes (a restart, a failover) or the
    /// node took a new id. Messages the user's connections had not taken are handed to them.
    /// </summary>
    internal async Task RegisterAllAgainAsync()
    {
        var users = context.Connections.Users.Select(user => context.Lanes.RunAsync(user.DevId, user.UserId, async () =>
        {
            foreach (var connection in context.Connections.ConnectionsOf(user.DevId, user.UserId))
            {
                var (_, entries, registration) = await RegisterAsync(connection, again: true).ConfigureAwait(false);
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
        var pipes = context.Connections.Snapshot().Where(c => c.Pipes.Count > 0).Select(async c =>
        {
            await AddToPipesAsync(c.Connection, c.Pipes, announce: false).ConfigureAwait(false);
            // A pipe left (or a connection closed) while this ran may have been registered after its
            // removal: take it out again.
            var now = context.Connections.PipesOf(c.Connection.ConnectionId);
            var gone = c.Pipes.Where(p => !now.Contains(p)).ToList();
            if (gone.Count > 0)
            {
                await ChangePipesAsync(c.Connection, gone, "-", RedisArg.Empty, announce: false, _ => null!).ConfigureAwait(false);
            }
        });
        await Task.WhenAll(users.Concat(pipes)).ConfigureAwait(false);
        context.Inbox.WakeAll();
    }

    private async Task AddPipesAsync(ClientRecord connection, List<string> reallyAdded)
    {
        // Listen before registering, so that nothing published to the pipe afterwards is missed.
        var acquired = new List<string>(reallyAdded.Count);
        try
        {
            foreach (var pipe in reallyAdded)
            {
                await context.Router.AcquirePipeAsync(connection.DevId, pipe).ConfigureAwait(false);
                acquired.Add(pipe);
            }
        }
        catch
        {
            // The node could not listen: forget the new pipes locally so that references and Redis stay in step.
            context.Connections.Update(connection, [], reallyAdded);
            foreach (var pipe in acquired)
            {
                context.Router.ReleasePipe(connection.DevId, pipe);
            }
            throw;
        }
        try
        {
            await AddToPipesAsync(connection, reallyAdded, announce: true).ConfigureAwait(false);
        }
        catch
        {
            // The node receives the pipes (the local hub keeps the subscription), but Redis has not
            // registered them, or did without an answer (a timeout under load): the next heartbeat
            // registers every local subscription again, so counts and users_in_pipes converge.
            context.RequestRestore();
            throw;
        }
        if (!context.Connections.Contains(connection.ConnectionId))
        {
            // Disconnected meanwhile: its removal may have missed these pipes.
            await ChangePipesAsync(connection, reallyAdded, "-", RedisArg.Empty, announce: false, _ => null!).ConfigureAwait(false);
        }
    }

    /// <summary>Registers an authorised connection in Redis (inside the user's lane) and reads what is
    /// queued for it (the caller confirms what it hands on); returns the registration id used last.</summary>
    private async Task<(bool Accepted, List<QueueEntry> Entries, string Registration)> RegisterAsync(ClientRecord connection, bool again)
    {
        var (devId, userId) = (connection.DevId, connection.UserId);
        var entries = new List<QueueEntry>();
        var accepted = true;
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
                [connection.ConnectionId, node, context.Limits.MaxConnectionsPerUser, status.Name,
                 BusPayload.PipeMessage(online, context.Identity.Id, context.NowMilliseconds), Keys.PublishCommand, again ? "1" : "0"]).ConfigureAwait(false);
            again = true; // a second round (the id changed meanwhile) moves the same connection
            if (result[0].AsLong() == 0)
            {
                accepted = false;
                return;
            }
            if (result[1].AsLong() == 1)
            {
                context.Delivery.DeliverToPipe(devId, online);
            }
            for (var i = 2; i < result.Length; i++)
            {
                var entry = QueueEntryCodec.Decode(result[i].AsBytes());
                if (!entries.Exists(e => e.Seq == entry.Seq))
                {
                    entries.Add(entry);
                }
            }
        }).ConfigureAwait(false);
        return (accepted, entries, registration);
    }

    /// <summary>The entries not older than the offline queue's time to live.</summary>
    private IEnumerable<QueueEntry> Fresh(List<QueueEntry> entries)
    {
        var oldest = context.NowSeconds - (long)context.Limits.OfflineQueueTtl.TotalSeconds;
        return entries.Where(e => e.Message.Time >= oldest);
    }

    /// <summary>Adds a connection's pipes in Redis (after the node listens to them).</summary>
    private Task AddToPipesAsync(ClientRecord connection, IReadOnlyCollection<string> pipes, bool announce)
    {
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
                context.Delivery.DeliverToPipe(devId, e);
            }
        }
    }

    private async Task RemoveFromPipesAsync(ClientRecord connection, List<string> pipes, bool announce)
    {
        if (pipes.Count == 0)
        {
            return;
        }
        var devId = connection.DevId;
        var now = context.NowSeconds;
        try
        {
            await ChangePipesAsync(connection, pipes, "-", RedisArg.Empty, announce, pipe => PresenceEvents.Left(pipe, connection, now)).ConfigureAwait(false);
        }
        finally
        {
            foreach (var pipe in pipes)
            {
                context.Router.ReleasePipe(devId, pipe);
            }
        }
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
             BusPayload.PipeMessage(offline, context.Identity.Id, context.NowMilliseconds), Keys.PublishCommand]).ConfigureAwait(false);
        if (result[1].AsLong() == 1)
        {
            context.Delivery.DeliverToPipe(devId, offline);
        }
        if (result[0].AsLong() == 0)
        {
            await context.Client.SetRemoveAsync(Keys.NodeUsers(node), [Member(devId, userId)]).ConfigureAwait(false);
        }
        if (!context.Connections.HasUser(devId, userId))
        {
            context.Inbox.Recent.Forget(devId, userId);
        }
    }

    internal static string Member(int devId, long userId) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{devId}:{userId}");

    internal static string Member(int devId, string pipe) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{devId}:{pipe}");
}
