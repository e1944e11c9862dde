using System.ComponentModel.DataAnnotations;

namespace Comet.Redis;

/// <summary>The <c>Comet:Redis</c> section: where the cluster's state lives and how nodes keep leases.</summary>
public sealed class RedisEngineOptions : IValidatableObject
{
    public const string SectionName = "Comet:Redis";

    /// <summary>
    /// A StackExchange.Redis configuration string: servers (a Cluster's seeds, or the sentinels with
    /// <c>serviceName=</c>), <c>user=</c>, <c>password=</c>, <c>ssl=true</c>… (docs/operations.md).
    /// </summary>
    [Required]
    [MaxLength(4096)]
    public string Configuration { get; set; } = "";

    /// <summary>Prefix of every key and channel, so that several deployments can share one Redis.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,32}$", ErrorMessage = "Comet:Redis:Prefix must be 1-32 characters of A-Za-z0-9_.-")]
    public string Prefix { get; set; } = "comet";

    /// <summary>RESP3 (the default) or RESP2 for servers and proxies that do not speak RESP3.</summary>
    public RedisProtocolVersion Protocol { get; set; } = RedisProtocolVersion.Resp3;

    /// <summary>Sharded pub/sub (Redis 7+) or classic, and the two steps between them for a rolling
    /// upgrade (docs/redis.md). <see cref="PubSubMode.Auto"/>: classic on a Sentinel set (one shard, and
    /// sharded subscriptions may be served twice after a failover), sharded otherwise. Every node of a
    /// cluster must publish where the others listen.</summary>
    public PubSubMode PubSub { get; set; } = PubSubMode.Auto;

    /// <summary>What <see cref="PubSub"/> means for this configuration.</summary>
    public PubSubMode EffectivePubSub => PubSub != PubSubMode.Auto
        ? PubSub
        : Configuration.Contains("serviceName=", StringComparison.OrdinalIgnoreCase) ? PubSubMode.Classic : PubSubMode.Sharded;

    /// <summary>How many replicas must confirm a personal message (users_messages INSERT) before it is
    /// acknowledged; 0 turns durable writes off. Masters without replicas are not waited for.</summary>
    [Range(0, 16)]
    public int DurableReplicas { get; set; } = 1;

    /// <summary>How long a durable write waits for its replicas before the INSERT fails (the message may
    /// still be delivered: it is on the master).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:30")]
    public TimeSpan DurableTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often a node renews its lease and looks for dead nodes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A node whose lease is older than this counts as dead: its connections leave presence.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan NodeLeaseTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest a single Redis operation (retries included) may take before it fails with
    /// "storage unavailable".</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Runs the engine's scripts (every publish, personal message, connect and subscribe) on its own
    /// connections, one per master, that write from the calling thread and complete on the socket
    /// engine's thread; false sends them through StackExchange.Redis like every other command. Not used
    /// with <c>ssl=true</c> (docs/redis.md, "Direct connections").</summary>
    public bool DirectScripts { get; set; } = true;

    /// <summary>Pub/sub messages waiting for local delivery; beyond it the oldest broadcasts are dropped.</summary>
    [Range(1000, 10_000_000)]
    public int DeliveryQueueLength { get; set; } = 100_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (NodeLeaseTtl < HeartbeatInterval * 2)
        {
            yield return new ValidationResult(
                "Comet:Redis:NodeLeaseTtl must be at least twice Comet:Redis:HeartbeatInterval.",
                [nameof(NodeLeaseTtl)]);
        }
        if (DurableReplicas > 0 && DurableTimeout >= OperationTimeout)
        {
            yield return new ValidationResult(
                "Comet:Redis:DurableTimeout must be shorter than Comet:Redis:OperationTimeout.",
                [nameof(DurableTimeout)]);
        }
    }
}

/// <summary>The Redis protocol version the client speaks.</summary>
public enum RedisProtocolVersion
{
    Resp3,
    Resp2,
}

/// <summary>Which pub/sub a node publishes on and listens to.</summary>
public enum PubSubMode
{
    /// <summary>Classic on a Sentinel set, sharded otherwise.</summary>
    Auto,

    /// <summary>SPUBLISH/SSUBSCRIBE: each channel lives on the shard of its hash slot (Redis 7+).</summary>
    Sharded,

    /// <summary>PUBLISH/SUBSCRIBE: on a Cluster every message goes to every shard.</summary>
    Classic,

    /// <summary>Rolling upgrade, step 1: publish classic, listen to both.</summary>
    ClassicListeningToBoth,

    /// <summary>Rolling upgrade, step 2: publish sharded, listen to both.</summary>
    ShardedListeningToBoth,
}
