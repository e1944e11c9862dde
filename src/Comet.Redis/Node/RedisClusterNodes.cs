using Comet.Core.Engine;
using Microsoft.Extensions.Options;

namespace Comet.Redis.Node;

/// <summary>The nodes whose lease is fresh: the nodes sorted set (node → last heartbeat, ms) read from now − TTL.</summary>
internal sealed class RedisClusterNodes(RedisEngine engine, IOptions<RedisEngineOptions> options, TimeProvider time) : IClusterNodes
{
    public async Task<IReadOnlyList<ClusterNode>> GetNodesAsync(CancellationToken cancellationToken)
    {
        var context = engine.Context;
        var since = time.GetUtcNow() - options.Value.NodeLeaseTtl;
        var entries = await context.Client.RunAsync(
            db => db.SortedSetRangeByScoreWithScoresAsync(context.Keys.Nodes, since.ToUnixTimeMilliseconds()), "nodes");
        return [.. entries.Select(e => new ClusterNode(e.Element.ToString(), DateTimeOffset.FromUnixTimeMilliseconds((long)e.Score)))];
    }
}
