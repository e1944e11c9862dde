using System.Runtime.ExceptionServices;
using Comet.Core.Engine;
using Comet.Core.Messages;
using Comet.Core.Names;
using Comet.Redis.Node;
using Comet.Redis.Scripts;
using Comet.Redis.Wire;
using StackExchange.Redis;

namespace Comet.Redis.Stores;

/// <summary>
/// Cluster-wide presence: a hash of connection id -> node per user (limit, online/offline, where to
/// wake), a hash of connection id -> record per pipe (counts, users_in_pipes, track_), users_time.
/// A user's connect and disconnect run in the user's lane, so they keep order with message takes.
/// </summary>
internal sealed class RedisPresence(NodeContext context) : IPresence
{
    private RedisKeys Keys => context.Keys;

    public async Task<ConnectResult> ConnectAsync(ConnectionInfo connection)
    {
        if (connection.UserId <= 0)
        {
            context.Connections.Add(connection);
            return ConnectResult.Empty;
        }
        var result = await context.Lanes.RunAsync(connection.DevId, connection.UserId, () => RegisterAsync(connection)).ConfigureAwait(false);
        if (result.Accepted)
        {
            context.Connections.Add(connection);
            // When the node already had connections of the user, the new one gets what is pending live.
            context.Inbox.Wake(connection.DevId, connection.UserId);
        }
        return result;
    }

    public async Task DisconnectAsync(ConnectionInfo connection)
    {
        var pipes = context.Connections.Remove(connection);
        await RemoveFromPipesAsync(connection, pipes, announce: true).ConfigureAwait(false);
        if (connection.UserId > 0)
        {
            await context.Lanes.RunAsync(connection.DevId, connection.UserId, () => UnregisterAsync(connection)).ConfigureAwait(false);
        }
    }

    public async Task UpdateSubscriptionsAsync(ConnectionInfo connection, IReadOnlyCollection<string> added, IReadOnlyCollection<string> removed)
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
            removalFailure = ExceptionDispatchInfo.Capture(e);
        }
        if (reallyAdded.Count > 0)
        {
            await AddPipesAsync(connection, reallyAdded).ConfigureAwait(false);
        }
        removalFailure?.Throw();
    }

    private async Task AddPipesAsync(ConnectionInfo connection, List<string> reallyAdded)
    {
        // SUBSCRIBE before registering, so that nothing published to the pipe afterwards is missed.
        var acquired = new List<string>(reallyAdded.Count);
        try
        {
            foreach (var pipe in reallyAdded)
            {
                await context.Router.AcquireAsync(connection.DevId, pipe).ConfigureAwait(false);
                acquired.Add(pipe);
            }
        }
        catch
        {
            // The node could not SUBSCRIBE: forget the new pipes locally so that references and Redis stay in step.
            context.Connections.Update(connection, [], reallyAdded);
            foreach (var pipe in acquired)
            {
                context.Router.Release(connection.DevId, pipe);
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
            await RemoveFromPipesAsync(connection, reallyAdded, announce: true).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<PipeCount>> CountSubscribersAsync(int devId, IReadOnlyCollection<string> pipes)
    {
        var list = pipes.ToList();
        if (list.Count == 0)
        {
            return [];
        }
        var counts = await context.Client.BatchAsync(batch => list.Select(p => batch.HashLengthAsync(Keys.PipeSubscribers(devId, p)))).ConfigureAwait(false);
        return list.Select((p, i) => new PipeCount(p, counts[i])).ToList();
    }

    public async Task<IReadOnlyList<ConnectionInfo>> GetSubscribersAsync(int devId, string pipe)
    {
        var entries = await context.Client.RunAsync(db => db.HashGetAllAsync(Keys.PipeSubscribers(devId, pipe))).ConfigureAwait(false);
        return entries.Select(e => SubscriberRecord.Decode(devId, e.Name!, (byte[])e.Value!)).ToList();
    }

    public async Task<IReadOnlyList<UserTime>> GetUserTimesAsync(int devId, IReadOnlyCollection<long> userIds)
    {
        var list = userIds.ToList();
        if (list.Count == 0)
        {
            return [];
        }
        var values = await context.Client.BatchAsync(batch => list.Select(id => batch.StringGetAsync(Keys.UserTime(devId, id)))).ConfigureAwait(false);
        return list.Select((id, i) => new UserTime(id, values[i].HasValue && values[i].TryParse(out long t) ? t : -1)).ToList();
    }

    /// <summary>Registers an authorised connection in Redis (inside the user's lane) and takes the user's queue.</summary>
    internal async Task<ConnectResult> RegisterAsync(ConnectionInfo connection)
    {
        var (devId, userId) = (connection.DevId, connection.UserId);
        // Index first: a node that dies right after the script must still be reaped for this user.
        await context.Client.RunAsync(db => db.SetAddAsync(Keys.NodeUsers(context.Node), Member(devId, userId))).ConfigureAwait(false);
        var online = PresenceEvents.UserOnline(userId);
        var result = (RedisResult[])(await context.Client.EvalAsync(
            RedisScripts.Connect,
            [Keys.UserConnections(devId, userId), Keys.UserQueueState(devId, userId), Keys.UserQueue(devId, userId), Keys.UserTime(devId, userId)],
            [connection.ConnectionId, context.Node, context.Limits.MaxConnectionsPerUser,
             Keys.PipeChannel(devId, PipeNames.UserStatus(userId)), BusPayload.PipeMessage(online, context.Node)]).ConfigureAwait(false))!;
        if ((long)result[0] == 0)
        {
            return ConnectResult.TooManyConnections;
        }
        if ((long)result[1] == 1)
        {
            context.Delivery.DeliverToPipe(devId, online);
        }
        if (result.Length == 2)
        {
            return ConnectResult.Empty;
        }
        var oldest = context.NowSeconds - (long)context.Limits.OfflineQueueTtl.TotalSeconds;
        var queued = new List<QueuedMessage>(result.Length - 2);
        for (var i = 2; i < result.Length; i++)
        {
            var (_, message) = QueueEntryCodec.Decode((byte[])result[i]!);
            if (message.Time >= oldest)
            {
                queued.Add(message);
            }
        }
        return new ConnectResult(true, queued);
    }

    /// <summary>Adds a connection's pipes in Redis (after the node SUBSCRIBEd to them).</summary>
    internal async Task AddToPipesAsync(ConnectionInfo connection, IReadOnlyCollection<string> pipes, bool announce)
    {
        var devId = connection.DevId;
        var node = context.Node;
        await context.Client.RunAsync(db => db.SetAddAsync(Keys.NodePipes(node), pipes.Select(p => (RedisValue)Member(devId, p)).ToArray())).ConfigureAwait(false);
        var record = SubscriberRecord.Encode(node, connection);
        var now = context.NowSeconds;
        await ChangePipesAsync(connection, pipes, "+", record, announce, pipe => PresenceEvents.Joined(pipe, connection, now)).ConfigureAwait(false);
    }

    /// <summary>Runs subscribe.lua for each pipe (pipelined) and delivers locally the track_ events it published.</summary>
    private async Task ChangePipesAsync(
        ConnectionInfo connection, IReadOnlyCollection<string> pipes, string operation, RedisValue record, bool announce,
        Func<string, CometMessage> trackEvent)
    {
        var devId = connection.DevId;
        var events = pipes.Select(p => announce && PipeNames.IsTracked(p) ? trackEvent(p) : null).ToList();
        var results = await context.Client.EvalBatchAsync(pipes.Select((pipe, i) => (
            RedisScripts.Subscribe,
            new RedisKey[] { Keys.PipeSubscribers(devId, pipe) },
            new RedisValue[]
            {
                operation, connection.ConnectionId, record, events[i] is null ? "0" : "1",
                Keys.PipeChannel(devId, pipe),
                events[i] is { } e ? BusPayload.PipeMessage(e, context.Node) : RedisValue.EmptyString,
            }))).ConfigureAwait(false);
        for (var i = 0; i < results.Length; i++)
        {
            if (events[i] is { } e && (long)((RedisResult[])results[i]!)[1] == 1)
            {
                context.Delivery.DeliverToPipe(devId, e);
            }
        }
    }

    private async Task RemoveFromPipesAsync(ConnectionInfo connection, IReadOnlyCollection<string> pipes, bool announce)
    {
        if (pipes.Count == 0)
        {
            return;
        }
        var devId = connection.DevId;
        var now = context.NowSeconds;
        try
        {
            await ChangePipesAsync(connection, pipes, "-", RedisValue.EmptyString, announce, pipe => PresenceEvents.Left(pipe, connection, now)).ConfigureAwait(false);
        }
        finally
        {
            foreach (var pipe in pipes)
            {
                context.Router.Release(devId, pipe);
            }
        }
    }

    private async Task<bool> UnregisterAsync(ConnectionInfo connection)
    {
        var (devId, userId) = (connection.DevId, connection.UserId);
        var offline = PresenceEvents.UserOffline(userId);
        var result = (RedisResult[])(await context.Client.EvalAsync(
            RedisScripts.Disconnect,
            [Keys.UserConnections(devId, userId), Keys.UserQueueState(devId, userId), Keys.UserTime(devId, userId)],
            [connection.ConnectionId, context.Node, context.NowSeconds,
             Keys.PipeChannel(devId, PipeNames.UserStatus(userId)), BusPayload.PipeMessage(offline, context.Node)]).ConfigureAwait(false))!;
        if ((long)result[1] == 1)
        {
            context.Delivery.DeliverToPipe(devId, offline);
        }
        if ((long)result[0] == 0)
        {
            await context.Client.RunAsync(db => db.SetRemoveAsync(Keys.NodeUsers(context.Node), Member(devId, userId))).ConfigureAwait(false);
        }
        return true;
    }

    internal static string Member(int devId, long userId) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{devId}:{userId}");

    internal static string Member(int devId, string pipe) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{devId}:{pipe}");
}
