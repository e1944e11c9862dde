using Comet.Core.Options;
using Microsoft.Extensions.Options;

namespace Comet.Core.Engine;

/// <summary>The cluster of the memory engine: this process alone.</summary>
public sealed class SingleNode(IOptions<CometOptions> options, TimeProvider time) : IClusterNodes
{
    public Task<IReadOnlyList<ClusterNode>> GetNodesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ClusterNode>>([new ClusterNode(options.Value.NodeName, time.GetUtcNow())]);
}
