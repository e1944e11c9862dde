using System.ComponentModel.DataAnnotations;

namespace Comet.Core.Options;

/// <summary>The <c>Comet</c> configuration section: identity and keys of this gateway.</summary>
public sealed class CometOptions
{
    public const string SectionName = "Comet";

    /// <summary>The password used only in the Development environment when none is configured.</summary>
    public const string DevelopmentPassword = "CometQLPassword";

    /// <summary>
    /// The key that CometQL logins and JWT secrets use (CppComet's <c>[main] password</c>).
    /// Required outside Development.
    /// </summary>
    [MaxLength(256)]
    public string? Password { get; set; }

    /// <summary>Optional per-dev_id keys that override <see cref="Password"/> (<c>Comet__DevKeys__15=…</c>).</summary>
    public Dictionary<int, string> DevKeys { get; } = [];

    /// <summary>This node's name (<c>/info</c>, connection ids, presence). Default: the host name.</summary>
    [MaxLength(64)]
    public string NodeName { get; set; } = Environment.MachineName;
}
