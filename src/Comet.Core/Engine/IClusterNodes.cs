namespace Comet.Core.Engine;

/// <summary>The gateway nodes of the cluster that are alive now (the status page). One node without Redis.</summary>
public interface IClusterNodes
{
    Task<IReadOnlyList<ClusterNode>> GetNodesAsync(CancellationToken cancellationToken);
}

/// <summary>A live node: its name and when it last renewed its lease.</summary>
public sealed record ClusterNode(string Name, DateTimeOffset LastSeen);
