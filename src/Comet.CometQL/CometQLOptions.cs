using System.ComponentModel.DataAnnotations;

namespace Comet.CometQL;

/// <summary>The <c>Comet:CometQL</c> section: where the MySQL-protocol API listens and its limits.</summary>
public sealed class CometQLOptions
{
    public const string SectionName = "Comet:CometQL";

    /// <summary>The address to listen on (<c>0.0.0.0</c> or <c>::</c> for all).</summary>
    [Required]
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The TCP port (0 picks a free one; tests use that).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 3307;
}
