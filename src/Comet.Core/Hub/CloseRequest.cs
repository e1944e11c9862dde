namespace Comet.Core.Hub;

/// <summary>Why the server closes a connection: a WebSocket close status (RFC 6455 §7.4) and a short reason.</summary>
/// <param name="Code">The close status code.</param>
/// <param name="Reason">A short text for the client (at most 123 UTF-8 bytes).</param>
public readonly record struct CloseRequest(int Code, string Reason)
{
    /// <summary>1001: the node is shutting down; clients reconnect, through the load balancer, to another node.</summary>
    public static CloseRequest GoingAway => new(1001, "The server is shutting down; reconnect.");

    /// <summary>1008: the user's authorisation was removed (users_auth row deleted or token revoked).</summary>
    public static CloseRequest AuthorisationRevoked => new(1008, "The user's authorisation was revoked.");

    /// <summary>1008: the client read its messages too slowly and its outbound queue overflowed.</summary>
    public static CloseRequest SlowConsumer => new(1008, "Outbound queue overflow: the client reads too slowly.");

    /// <summary>1008: the user already has the maximum number of connections.</summary>
    public static CloseRequest TooManyConnections => new(1008, "Too many connections for this user.");
}
