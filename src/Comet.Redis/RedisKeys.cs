using System.Globalization;
using StackExchange.Redis;

namespace Comet.Redis;

/// <summary>
/// Every key and channel name (docs/redis.md lists them). Keys one script touches share a hash tag:
/// per user <c>{prefix:dev:u:uid}</c>, per pipe <c>{prefix:dev:p:pipe}</c>, so scripts run on Redis Cluster.
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    public string Prefix { get; } = prefix;

    /// <summary>zset node -> last heartbeat (ms).</summary>
    public RedisKey Nodes => $"{{{Prefix}:nodes}}";

    /// <summary>Set by a reaper that removed a node's registrations while the node renewed its lease: the
    /// node registers everything again at its next heartbeat (same hash tag as <see cref="Nodes"/>).</summary>
    public RedisKey NodeReaped(string node) => $"{{{Prefix}:nodes}}:reaped:{node}";

    /// <summary>set of "dev:uid" with connections on a node (for the reaper).</summary>
    public RedisKey NodeUsers(string node) => $"{{{Prefix}:n:{node}}}:users";

    /// <summary>set of "dev:pipe" with subscribers on a node (for the reaper).</summary>
    public RedisKey NodePipes(string node) => $"{{{Prefix}:n:{node}}}:pipes";

    public RedisKey UserHash(int devId, long userId) => User(devId, userId, "hash");
    public RedisKey UserData(int devId, long userId) => User(devId, userId, "data");
    public RedisKey UserTime(int devId, long userId) => User(devId, userId, "time");
    public RedisKey UserConnections(int devId, long userId) => User(devId, userId, "conns");
    public RedisKey UserQueueState(int devId, long userId) => User(devId, userId, "mq");
    public RedisKey UserQueue(int devId, long userId) => User(devId, userId, "mz");

    public RedisKey PipeSettings(int devId, string pipe) => Pipe(devId, pipe, "cfg");
    public RedisKey PipeLog(int devId, string pipe) => Pipe(devId, pipe, "log");
    public RedisKey PipeSubscribers(int devId, string pipe) => Pipe(devId, pipe, "subs");

    /// <summary>zset token -> expiry (ms).</summary>
    public RedisKey RevokedTokens(int devId) => string.Create(CultureInfo.InvariantCulture, $"{{{Prefix}:{devId}:revoked}}");

    /// <summary>The channel of a pipe: <c>prefix:dev:pipe:name</c>.</summary>
    public string PipeChannel(int devId, string pipe) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}:{devId}:pipe:{pipe}");

    /// <summary>The prefix of node channels (wake-ups for personal messages).</summary>
    public string NodeChannelPrefix => $"{Prefix}:node:";

    public string NodeChannel(string node) => NodeChannelPrefix + node;

    /// <summary>The channel every node listens on (closing connections).</summary>
    public string ControlChannel => $"{Prefix}:control";

    /// <summary>Splits a pipe channel name back into dev_id and pipe.</summary>
    public bool TryParsePipeChannel(string channel, out int devId, out string pipe)
    {
        devId = 0;
        pipe = "";
        var start = Prefix.Length + 1;
        if (channel.Length <= start || !channel.StartsWith(Prefix, StringComparison.Ordinal) || channel[Prefix.Length] != ':')
        {
            return false;
        }
        var colon = channel.IndexOf(':', start);
        if (colon < 0 || !int.TryParse(channel.AsSpan(start, colon - start), NumberStyles.None, CultureInfo.InvariantCulture, out devId))
        {
            return false;
        }
        const string marker = "pipe:";
        if (string.CompareOrdinal(channel, colon + 1, marker, 0, marker.Length) != 0)
        {
            return false;
        }
        pipe = channel[(colon + 1 + marker.Length)..];
        return true;
    }

    private RedisKey User(int devId, long userId, string suffix) =>
        string.Create(CultureInfo.InvariantCulture, $"{{{Prefix}:{devId}:u:{userId}}}:{suffix}");

    private RedisKey Pipe(int devId, string pipe, string suffix) =>
        string.Create(CultureInfo.InvariantCulture, $"{{{Prefix}:{devId}:p:{pipe}}}:{suffix}");
}
