using System.ComponentModel.DataAnnotations;

namespace Comet.Gateway.Drain;

/// <summary>The <c>Comet:Drain</c> section: how the node stops on SIGTERM (see <see cref="GatewayDrain"/>).</summary>
public sealed class DrainOptions
{
    public const string SectionName = "Comet:Drain";

    /// <summary>Time between readiness turning false (new WebSockets refused) and the first close, so
    /// that the load balancer sees the node is not ready before its clients start to reconnect.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The open WebSockets are closed (1012) evenly over this window, so that their clients
    /// reconnect to the other nodes without a stampede.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The hard bound on the whole stop (the host's shutdown timeout): what is still open
    /// then is aborted and the process exits. Must exceed Delay + Window.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:30:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(25);
}
