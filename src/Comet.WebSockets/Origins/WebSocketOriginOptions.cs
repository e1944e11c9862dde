namespace Comet.WebSockets.Origins;

/// <summary>
/// The origin allow-list of the WebSocket routes, read from the <c>Comet:WebSocket</c> section
/// (<c>Comet:WebSocket:AllowedOrigins</c>). Kept apart from <see cref="CometWebSocketOptions"/> so the
/// security check stays in one folder.
/// </summary>
public sealed class WebSocketOriginOptions
{
    /// <summary>
    /// Origins a browser page may connect from: <c>https://www.example.com</c>, <c>http://host:8080</c>, or
    /// <c>https://*.example.com</c> for every subdomain. Empty (the default, as CppComet) allows every origin.
    /// A request without an <c>Origin</c> header (not a browser) is always allowed.
    /// </summary>
    public List<string> AllowedOrigins { get; } = [];
}
