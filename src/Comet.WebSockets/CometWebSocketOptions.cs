using System.ComponentModel.DataAnnotations;

namespace Comet.WebSockets;

/// <summary>The <c>Comet:WebSocket</c> section: limits and behaviour of the CppComet WebSocket protocol.</summary>
public sealed class CometWebSocketOptions
{
    public const string SectionName = "Comet:WebSocket";

    /// <summary>How often the server sends a keep-alive ping so that load balancers keep idle
    /// connections open (0 turns it off).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>How long a client the server keeps writing messages to may stay silent before it gets a
    /// ping anyway (0 turns it off): a peer that vanished while messages flow to it is found in seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan KeepAliveBusyInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>When above 0, keep-alives are pings and a client that does not answer one within this
    /// time is disconnected (dead peers leave presence promptly). 0 sends unsolicited pongs instead,
    /// which keep load balancers open but detect nothing.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest client message in bytes; a longer one is discarded with a sys error
    /// (CppComet: frames up to 65535 bytes).</summary>
    [Range(256, 16 * 1024 * 1024)]
    public int MaxMessageSize { get; set; } = 65_535;

    /// <summary>Pipes one connection may subscribe to (CppComet: 32).</summary>
    [Range(1, 1024)]
    public int MaxSubscriptions { get; set; } = 32;

    /// <summary>Messages that may wait for one slow client; one more disconnects it.</summary>
    [Range(16, 1_000_000)]
    public int OutboundQueueLength { get; set; } = 4096;

    /// <summary>Bytes of messages that may wait for one slow client (1 MiB, as Centrifugo); a message that
    /// would pass it cuts the connection at once, so a few stalled readers of large messages cannot
    /// hold the node's memory. A single message alone always fits.</summary>
    [Range(64 * 1024, 1024L * 1024 * 1024)]
    public long OutboundQueueBytes { get; set; } = 1024 * 1024;

    /// <summary>The most bytes of waiting messages written to one connection before they are sent
    /// (messages that queued while a send was in flight leave together, each in its own frame).</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxBatchBytes { get; set; } = 64 * 1024;

    /// <summary>How long a closing connection may take to finish the close handshake before it is aborted.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>WebSocket connections this node accepts at once; one more gets HTTP 503 with Retry-After
    /// before the upgrade (the load balancer or client tries another node). Either way a connection also
    /// needs a descriptor from the pool it shares with CometQL connections (the open-file limit less the
    /// gateway's own, Comet.Core DescriptorPool). Unset: the whole pool (Admission/ConnectionCapacity);
    /// 50,000 where the open-file limit is unknown.</summary>
    [Range(1, 10_000_000)]
    public int? MaxConnections { get; set; }

    /// <summary>New connections one client address may open per <see cref="NewConnectionsPerIpPeriod"/>
    /// (a token bucket: this many at once, refilled over the period); one more gets HTTP 429 with
    /// Retry-After before the upgrade. 0 turns it off. IPv6 addresses count per /64. Behind a proxy set
    /// <see cref="TrustForwardedFor"/>, or every client shares the proxy's address.</summary>
    [Range(0, 1_000_000)]
    public int NewConnectionsPerIp { get; set; }

    /// <summary>The period of <see cref="NewConnectionsPerIp"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan NewConnectionsPerIpPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Commands (client messages) one connection may send per second, in bursts of as many;
    /// an excess command is ignored and answered with a sys error (code 429).</summary>
    [Range(1, 1_000_000)]
    public int MaxCommandsPerSecond { get; set; } = 50;

    /// <summary>Rejected commands one connection may accumulate within a minute before it is closed
    /// with 1008 (sustained abuse).</summary>
    [Range(1, 1_000_000)]
    public int MaxRejectedCommands { get; set; } = 100;

    /// <summary>How long before its JWT's <c>exp</c> a connection gets the <c>tokenExpiring</c> sys event,
    /// so the client can send a fresh token (<c>refresh_token</c>); a token with less left when the
    /// connection opens is warned at once. 0 sends no warning.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan TokenExpiryWarning { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Close (1008) a JWT-authorised connection when its token expires without a refresh. Off,
    /// a token is checked only when the connection opens, as CppComet did, and no warning is sent.</summary>
    public bool CloseExpiredTokens { get; set; } = true;

    /// <summary>Take the client address from X-Forwarded-For. Only set this behind a trusted proxy
    /// that overwrites the header, or clients can claim any address.</summary>
    public bool TrustForwardedFor { get; set; }

    /// <summary>Backend authorisation of private channels, per pipe prefix (off when empty).</summary>
    public List<PrivateChannelRule> PrivateChannels { get; } = [];
}

/// <summary>One prefix whose subscriptions the backend authorises (see docs/websocket.md).</summary>
public sealed class PrivateChannelRule
{
    /// <summary>Pipes starting with this prefix need the backend's permission, e.g. <c>private_</c>.</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(64)]
    public string Prefix { get; set; } = "";

    /// <summary>The backend URL the gateway POSTs the signed question to.</summary>
    [Required]
    public Uri? Url { get; set; }

    /// <summary>How long the gateway waits for the answer; no answer in time means no.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);
}
