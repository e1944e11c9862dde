namespace Comet.Node;

/// <summary>Why the node asks a transport to close a client.</summary>
public enum CloseReason
{
    /// <summary>The user's authorisation was removed (users_auth row deleted or token revoked).</summary>
    AuthorisationRevoked,

    /// <summary>The node is draining before it stops: the client should reconnect, through the load
    /// balancer, to another node.</summary>
    ServiceRestart,
}
