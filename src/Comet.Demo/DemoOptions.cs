using System.ComponentModel.DataAnnotations;

namespace Comet.Demo;

/// <summary>The demo's configuration (section <c>Demo</c>).</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>The password used only in the Development environment when none is configured
    /// (the gateway's own Development password).</summary>
    public const string DevelopmentPassword = "CometQLPassword";

    /// <summary>Where the backend reaches the gateway's CometQL port.</summary>
    [Required]
    public string CometQLHost { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int CometQLPort { get; set; } = 3307;

    /// <summary>The CometQL login: the dev_id the demo's users live in.</summary>
    [Range(0, 99999)]
    public int DevId { get; set; }

    /// <summary>The dev key (the gateway's <c>Comet:Password</c>). Required outside Development.</summary>
    public string Password { get; set; } = "";

    /// <summary>Gateway nodes as browsers reach them (host:port, or ws[s]://host:port). Each user starts
    /// on node <c>user_id % count</c> and fails over to the others. Default: 127.0.0.1:8087.</summary>
    [MinLength(1)]
    public List<string> GatewayNodes { get; set; } = [];

    /// <summary>The public room, a <c>web_</c> pipe that keeps its last <see cref="RoomHistory"/> messages.</summary>
    [RegularExpression("^web_[A-Za-z0-9_-]{1,60}$", ErrorMessage = "Demo:RoomPipe must be web_ followed by 1-60 of A-Za-z0-9_-")]
    public string RoomPipe { get; set; } = "web_demo_room";

    [Range(1, 99)]
    public int RoomHistory { get; set; } = 50;

    /// <summary>The demo users one may log in as (no passwords: it is a demo).</summary>
    [MinLength(1)]
    public List<DemoUser> Users { get; set; } = [];

    /// <summary>Longest personal or room message, in characters.</summary>
    [Range(1, 10000)]
    public int MaxMessageLength { get; set; } = 2000;
}

/// <summary>A user of the demo.</summary>
public sealed class DemoUser
{
    [Range(1, long.MaxValue)]
    public long Id { get; set; }

    [Required]
    [StringLength(40, MinimumLength = 1)]
    public string Name { get; set; } = "";
}
