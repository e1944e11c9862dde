using System.Net;
using Comet.CometQL.Protocol;

namespace Comet.CometQL.Execution;

/// <summary>What one CometQL connection knows about itself: who logged in, which namespace, which database.</summary>
internal sealed class SessionState(uint connectionId, EndPoint? remoteEndPoint)
{
    public uint ConnectionId { get; } = connectionId;
    public EndPoint? RemoteEndPoint { get; } = remoteEndPoint;

    /// <summary>False for health-check logins (<c>haproxy_check</c>): every query then gets 403.</summary>
    public bool Authenticated { get; set; }

    /// <summary>The login name as sent.</summary>
    public string User { get; set; } = "";

    /// <summary>The dev_id the login proved the key of.</summary>
    public int LoginDevId { get; set; }

    /// <summary>The namespace statements work in (the login's, or <c>db_&lt;N&gt;</c>'s).</summary>
    public int DevId { get; set; }

    /// <summary>The selected database, or null when none was chosen.</summary>
    public string? Database { get; set; }

    public CapabilityFlags ClientCapabilities { get; set; }

    public ulong LastInsertId { get; set; }

    /// <summary>The TLS protocol and cipher after an SSL upgrade (SHOW STATUS's Ssl_version, Ssl_cipher); empty without TLS.</summary>
    public string TlsVersion { get; set; } = "";

    public string TlsCipher { get; set; } = "";

    public bool MultiStatements => (ClientCapabilities & CapabilityFlags.MultiStatements) != 0;
}
