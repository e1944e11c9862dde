using Comet.Core.Diagnostics;
using Comet.Core.Engine;
using Comet.Node;

namespace Comet.Gateway.Management.Status;

/// <summary>What the status page shows, read at one moment; the page turns the counters into rates.</summary>
internal sealed record StatusSnapshot(
    string Node,
    string Engine,
    bool Ready,
    long UptimeSeconds,
    IReadOnlyList<ClusterNode> Nodes,
    long WebSocketConnections,
    long CometQLConnections,
    long PipeMessages,
    long PersonalMessages,
    long Queries,
    IReadOnlyList<PipeSubscribers> TopPipes)
{
    public const int TopPipeCount = 10;

    public static async Task<StatusSnapshot> TakeAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var metrics = services.GetRequiredService<CometMetrics>();
        var node = services.GetRequiredService<CometNode>();
        var nodeName = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Comet.Core.Options.CometOptions>>().Value.NodeName;
        var nodes = await services.GetRequiredService<IClusterNodes>().GetNodesAsync(cancellationToken);
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return new StatusSnapshot(
            nodeName,
            node.EngineName,
            node.IsReady,
            (long)(DateTime.UtcNow - process.StartTime.ToUniversalTime()).TotalSeconds,
            nodes,
            metrics.WebSocketConnections,
            metrics.CometQLConnections,
            metrics.PipeMessages,
            metrics.PersonalMessages,
            metrics.Queries,
            node.TopPipes(TopPipeCount));
    }
}
