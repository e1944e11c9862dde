using Comet.Core.Engine;
using Microsoft.Extensions.Options;

namespace Comet.Redis.Node;

/// <summary>
/// The nodes whose lease is fresh: the live registrations (registration id → last heartbeat, ms) read
/// from now − TTL, shown by node name (a node that just took a new registration id has two for a moment).
/// </summary>
internal sealed class RedisClusterNodes(RedisEngine engine, IOptions<RedisEngineOptions> options, TimeProvider time) : IClusterNodes
{
    public async Task<IReadOnlyList<ClusterNode>> GetNodesAsync(CancellationToken cancellationToken)
    {
        var context = engine.Context;
        var since = time.GetUtcNow() - options.Value.NodeLeaseTtl;
        var entries = await context.Client.SortedSetRangeWithScoresAboveAsync(context.Keys.Nodes, since.ToUnixTimeMilliseconds()).ConfigureAwait(false);
        return [.. entries
            .GroupBy(e => NodeName(e.Member), StringComparer.Ordinal)
            .Select(g => new ClusterNode(g.Key, DateTimeOffset.FromUnixTimeMilliseconds((long)g.Max(e => e.Score))))
            .OrderBy(n => n.Name, StringComparer.Ordinal)];
    }

    /// <summary>The node name of a registration id (<c>name~incarnation[.generation]</c>).</summary>
    private static string NodeName(string registration)
    {
        var tilde = registration.LastIndexOf('~');
        return tilde > 0 ? registration[..tilde] : registration;
    }
}
