using Comet.Node;

namespace Comet.WebSockets.Delivery;

/// <summary>Why the server closes a connection: a WebSocket close status (RFC 6455 §7.4) and a short reason.</summary>
/// <param name="Code">The close status code.</param>
/// <param name="Reason">A short text for the client (at most 123 UTF-8 bytes).</param>
/// <param name="AtOnce">Drop the connection now instead of sending a close frame and waiting for the
/// answer: for a client that cannot read one.</param>
public readonly record struct CloseRequest(int Code, string Reason, bool AtOnce = false)
{
    /// <summary>The close for a reason the node gives.</summary>
    public static CloseRequest For(CloseReason reason) => reason switch
    {
        CloseReason.AuthorisationRevoked => AuthorisationRevoked,
        CloseReason.ServiceRestart => ServiceRestart,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <summary>1012 (service restart): the node is draining before it stops; clients reconnect, through
    /// the load balancer, to another node. Drains spread these closes over a window to avoid a stampede.</summary>
    public static CloseRequest ServiceRestart => new(1012, "The server is restarting; reconnect.");

    /// <summary>1008: the user's authorisation was removed (users_auth row deleted or token revoked).</summary>
    public static CloseRequest AuthorisationRevoked => new(1008, "The user's authorisation was revoked.");

    /// <summary>1008: the JWT that authorised the connection reached its <c>exp</c> without a refresh
    /// (<c>refresh_token</c>); the client reconnects with a fresh token.</summary>
    public static CloseRequest TokenExpired => new(1008, "The authorisation token expired; reconnect with a fresh one.");

    /// <summary>The client read its messages too slowly and its outbound queue overflowed: cut at once
    /// (the code and reason name it in logs; a client that stopped reading would never see a close frame).</summary>
    public static CloseRequest SlowConsumer => new(1008, "Outbound queue overflow: the client reads too slowly.", AtOnce: true);

    /// <summary>1008: the client kept sending commands faster than its command rate limit allows.</summary>
    public static CloseRequest TooManyCommands => new(1008, "Too many commands: the client exceeded its command rate limit.");

    /// <summary>1008: the user already has the maximum number of connections.</summary>
    public static CloseRequest TooManyConnections => new(1008, "Too many connections for this user.");
}
