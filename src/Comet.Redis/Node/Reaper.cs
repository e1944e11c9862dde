using System.Globalization;
using Comet.Core.Messages;
using Comet.Core.Names;
using Comet.Redis.Client;
using Comet.Redis.Scripts;
using Comet.Redis.Wire;
using Microsoft.Extensions.Logging;

namespace Comet.Redis.Node;

/// <summary>
/// Removes what dead registrations left in presence: those whose lease expired (a crashed or paused
/// node) and those a live node retired (it took a new id). A claim moves an id to the reaping list in
/// one step; reaping is then a series of idempotent steps (remove the id's connections of a chunk of
/// users, make that durable, cross the chunk off its work list; the same for pipes; drop the id), so
/// a reaper that dies or fails halfway leaves work that the next heartbeat of any node resumes, and
/// two reapers at once do no harm.
/// </summary>
internal sealed partial class Reaper(NodeContext context, TimeSpan ttl)
{
    private const int IdsPerBeat = 4;
    private const int Chunk = 200;

    /// <summary>Claims expired registrations (and <paramref name="retire"/>) and reaps a few of what is waiting.</summary>
    public async Task ReapAsync(IReadOnlyCollection<string> retire)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var args = new List<RedisArg> { now - (long)ttl.TotalMilliseconds, IdsPerBeat, now };
        args.AddRange(retire.Select(id => (RedisArg)id));
        var waiting = await context.Client.EvalAsync(
            RedisScripts.ClaimDead, [context.Keys.Nodes, context.Keys.NodesReaping], [.. args]).ConfigureAwait(false);
        for (var i = 0; i + 1 < waiting.Length; i += 2)
        {
            var id = waiting[i].AsString()!;
            var lastBeatMs = (long)double.Parse(waiting[i + 1].AsString()!, CultureInfo.InvariantCulture);
            await ReapAsync(id, lastBeatMs).ConfigureAwait(false);
        }
    }

    /// <summary>Takes a registration's connections out of presence; its users go offline at its last heartbeat.</summary>
    internal async Task ReapAsync(string id, long lastBeatMs)
    {
        var keys = context.Keys;
        LogReaping(context.Logger, id);
        var lastSeen = lastBeatMs / 1000;
        await DrainAsync(keys.NodeUsers(id), users => users.Select(m => ParseMember(m)).Where(m => m.Ok).Select(m =>
        {
            var userId = long.Parse(m.Name, CultureInfo.InvariantCulture);
            return new ScriptCall(RedisScripts.ReapUser,
                [keys.UserConnections(m.DevId, userId), keys.UserQueueState(m.DevId, userId), keys.UserTime(m.DevId, userId)],
                [id, lastSeen, keys.PipePublishChannel(m.DevId, PipeNames.UserStatus(userId)).Name,
                 BusPayload.PipeMessage(PresenceEvents.UserOffline(userId), origin: ""), keys.PublishCommand]);
        }).ToList()).ConfigureAwait(false);

        var now = context.NowSeconds;
        await DrainAsync(keys.NodePipes(id), pipes => pipes.Select(m => ParseMember(m)).Where(m => m.Ok).Select(m => new ScriptCall(
            RedisScripts.ReapPipe,
            [keys.PipeSubscribers(m.DevId, m.Name)],
            [id, PipeNames.IsTracked(m.Name) ? "1" : "0", keys.PipePublishChannel(m.DevId, m.Name).Name, now, keys.PublishCommand])).ToList()).ConfigureAwait(false);

        await context.Client.SortedSetRemoveAsync(keys.NodesReaping, id).ConfigureAwait(false);
    }

    /// <summary>Runs the calls for chunks of a work list until it is empty; a chunk is crossed off only
    /// once its effects are on the replicas, so a failover cannot undo them after they were crossed off.</summary>
    private async Task DrainAsync(string workList, Func<string[], List<ScriptCall>> calls)
    {
        while (true)
        {
            var members = await context.Client.SetRandomMembersAsync(workList, Chunk).ConfigureAwait(false);
            if (members.Length == 0)
            {
                return;
            }
            var batch = calls(members);
            await context.Client.EvalBatchAsync(batch).ConfigureAwait(false);
            await Task.WhenAll(batch.Select(c => context.Client.WaitForReplicasAsync(c.Keys[0]))).ConfigureAwait(false);
            await context.Client.SetRemoveAsync(workList, members).ConfigureAwait(false);
        }
    }

    private static (bool Ok, int DevId, string Name) ParseMember(string member)
    {
        var colon = member.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !int.TryParse(member.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var devId))
        {
            return (false, 0, "");
        }
        return (true, devId, member[(colon + 1)..]);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reaping registration {Registration}")]
    private static partial void LogReaping(ILogger logger, string registration);
}
