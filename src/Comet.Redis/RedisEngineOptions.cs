using System.ComponentModel.DataAnnotations;

namespace Comet.Redis;

/// <summary>The <c>Comet:Redis</c> section: where the cluster's state lives and how nodes keep leases.</summary>
public sealed class RedisEngineOptions : IValidatableObject
{
    public const string SectionName = "Comet:Redis";

    /// <summary>A StackExchange.Redis configuration string (hosts, password, ssl=true, serviceName for Sentinel…).</summary>
    [Required]
    [MaxLength(4096)]
    public string Configuration { get; set; } = "";

    /// <summary>Prefix of every key and channel, so that several deployments can share one Redis.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,32}$", ErrorMessage = "Comet:Redis:Prefix must be 1-32 characters of A-Za-z0-9_.-")]
    public string Prefix { get; set; } = "comet";

    /// <summary>How often a node renews its lease and looks for dead nodes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A node whose lease is older than this counts as dead: its connections leave presence.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan NodeLeaseTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest a single Redis operation may take before it fails with "storage unavailable".</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);

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
    }
}
