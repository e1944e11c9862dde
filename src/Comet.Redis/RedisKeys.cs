using System.Globalization;
using Comet.Core.Names;
using Comet.Redis.Client;

namespace Comet.Redis;

/// <summary>
/// Every key and channel name (docs/redis.md lists them). Keys one script touches share a hash tag, and
/// so does every channel a script publishes to, so that each script touches one slot of a Cluster: per
/// user <c>{prefix:dev:u:uid}</c>, per pipe <c>{prefix:dev:p:pipe}</c>, except that a user's
/// <c>user_status_</c> pipe lives under the user's tag (the user's scripts announce online/offline on it).
/// </summary>
internal sealed class RedisKeys(string prefix, PubSubMode mode = PubSubMode.Sharded)
{
    public string Prefix { get; } = prefix;

    /// <summary>True when scripts publish with SPUBLISH.</summary>
    public bool PublishesSharded => mode is PubSubMode.Sharded or PubSubMode.ShardedListeningToBoth;

    /// <summary>The command scripts publish with.</summary>
    public string PublishCommand => PublishesSharded ? "SPUBLISH" : "PUBLISH";

    /// <summary>zset registration id -> last heartbeat (ms): the live nodes.</summary>
    public string Nodes => $"{{{Prefix}:nodes}}";

    /// <summary>zset registration id -> last heartbeat (ms): dead or retired registrations being reaped.</summary>
    public string NodesReaping => $"{{{Prefix}:nodes}}:reaping";

    /// <summary>set of "dev:uid" with connections registered under a registration id (the reaper's work list).</summary>
    public string NodeUsers(string node) => $"{{{Prefix}:n:{node}}}:users";

    /// <summary>set of "dev:pipe" with subscribers registered under a registration id (the reaper's work list).</summary>
    public string NodePipes(string node) => $"{{{Prefix}:n:{node}}}:pipes";

    public string UserHash(int devId, long userId) => User(devId, userId, "hash");
    public string UserData(int devId, long userId) => User(devId, userId, "data");
    public string UserTime(int devId, long userId) => User(devId, userId, "time");
    public string UserConnections(int devId, long userId) => User(devId, userId, "conns");
    public string UserQueueState(int devId, long userId) => User(devId, userId, "mq");
    public string UserQueue(int devId, long userId) => User(devId, userId, "mz");

    public string PipeSettings(int devId, string pipe) => PipeTag(devId, pipe) + ":cfg";
    public string PipeLog(int devId, string pipe) => PipeTag(devId, pipe) + ":log";
    public string PipeSubscribers(int devId, string pipe) => PipeTag(devId, pipe) + ":subs";

    /// <summary>zset token -> expiry (ms).</summary>
    public string RevokedTokens(int devId) => string.Create(CultureInfo.InvariantCulture, $"{{{Prefix}:{devId}:revoked}}");

    /// <summary>The channel a pipe's messages are published on.</summary>
    public PubSubChannel PipePublishChannel(int devId, string pipe) =>
        PublishesSharded ? ShardedPipeChannel(devId, pipe) : ClassicPipeChannel(devId, pipe);

    /// <summary>The channels a node listens to for a pipe (two while a rolling upgrade switches kinds).</summary>
    public PubSubChannel[] PipeListenChannels(int devId, string pipe) => mode switch
    {
        PubSubMode.Sharded => [ShardedPipeChannel(devId, pipe)],
        PubSubMode.Classic => [ClassicPipeChannel(devId, pipe)],
        PubSubMode.ClassicListeningToBoth or PubSubMode.ShardedListeningToBoth => [ShardedPipeChannel(devId, pipe), ClassicPipeChannel(devId, pipe)],
        _ => throw new InvalidOperationException("The pub/sub mode must be resolved (EffectivePubSub) before keys are made."),
    };

    /// <summary>The channel of a user's wake-ups (new personal messages) and close requests.</summary>
    public PubSubChannel UserPublishChannel(int devId, long userId) =>
        PublishesSharded ? ShardedUserChannel(devId, userId) : ClassicUserChannel(devId, userId);

    /// <summary>The channels a node listens to while it holds connections of the user.</summary>
    public PubSubChannel[] UserListenChannels(int devId, long userId) => mode switch
    {
        PubSubMode.Sharded => [ShardedUserChannel(devId, userId)],
        PubSubMode.Classic => [ClassicUserChannel(devId, userId)],
        PubSubMode.ClassicListeningToBoth or PubSubMode.ShardedListeningToBoth => [ShardedUserChannel(devId, userId), ClassicUserChannel(devId, userId)],
        _ => throw new InvalidOperationException("The pub/sub mode must be resolved (EffectivePubSub) before keys are made."),
    };

    private PubSubChannel ShardedPipeChannel(int devId, string pipe) => new(PipeTag(devId, pipe) + ":ch", Sharded: true);

    // The classic name is the one earlier releases used.
    private PubSubChannel ClassicPipeChannel(int devId, string pipe) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{Prefix}:{devId}:pipe:{pipe}"), Sharded: false);

    private PubSubChannel ShardedUserChannel(int devId, long userId) => new(User(devId, userId, "ch"), Sharded: true);

    private PubSubChannel ClassicUserChannel(int devId, long userId) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{Prefix}:{devId}:user:{userId}"), Sharded: false);

    private string User(int devId, long userId, string suffix) =>
        string.Create(CultureInfo.InvariantCulture, $"{{{Prefix}:{devId}:u:{userId}}}:{suffix}");

    /// <summary>The part of a pipe's keys and sharded channel that decides its slot.</summary>
    private string PipeTag(int devId, string pipe) =>
        UserOfStatusPipe(pipe) is { } userId
            ? User(devId, userId, "status")
            : string.Create(CultureInfo.InvariantCulture, $"{{{Prefix}:{devId}:p:{pipe}}}");

    private static long? UserOfStatusPipe(string pipe) =>
        pipe.StartsWith(PipeNames.UserStatusPrefix, StringComparison.Ordinal)
        && long.TryParse(pipe.AsSpan(PipeNames.UserStatusPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var userId)
        && PipeNames.UserStatus(userId) == pipe
            ? userId
            : null;
}
