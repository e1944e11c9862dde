using System.ComponentModel.DataAnnotations;

namespace Comet.Core.Options;

/// <summary>The <c>Comet:Limits</c> section: bounds that every engine and transport enforces.</summary>
public sealed class LimitsOptions
{
    public const string SectionName = "Comet:Limits";

    /// <summary>Connections one user may hold at once, cluster-wide (CppComet: 16).</summary>
    [Range(1, 1024)]
    public int MaxConnectionsPerUser { get; set; } = 16;

    /// <summary>The largest pipes_settings length; longer values are clamped (CppComet: 1000).</summary>
    [Range(1, 100_000)]
    public int MaxPipeLogLength { get; set; } = 1000;

    /// <summary>How long <c>trust_</c> pipe messages stay logged (CppComet: about 120 s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan TrustLogTtl { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Messages one user's offline queue holds; beyond it the oldest are dropped (and counted).</summary>
    [Range(1, 100_000)]
    public int OfflineQueueLength { get; set; } = 1000;

    /// <summary>How long a personal message waits in the offline queue for its user.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan OfflineQueueTtl { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Personal messages kept per user after delivery for clients that acknowledge (the resend
    /// window); beyond it the oldest are dropped and a client resuming before them is told.</summary>
    [Range(1, 100_000)]
    public int AckWindowLength { get; set; } = 1000;

    /// <summary>How long a closed acknowledging connection keeps its unacknowledged messages for its
    /// next connection (the reconnect window).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan AckWindowAge { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How far behind this node's pipe delivery may fall before a publisher is slowed: an INSERT into
    /// pipes_messages (or a web_ pipe message) is answered once the node has no pipe message older than
    /// this still being handed to its subscribers' connections. A backend that publishes as fast as it is
    /// answered then gets the rate the node delivers, and messages arrive within tens of milliseconds
    /// instead of queueing for seconds. Slow readers do not count (their own send queue bounds them). 0
    /// never slows a publisher: messages queue up to 4,096 per delivery thread instead.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan MaxPipeDeliveryLag { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>How long a revoked token is remembered when it carries no expiry of its own.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan RevokedTokenTtl { get; set; } = TimeSpan.FromDays(30);
}
