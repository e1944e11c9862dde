using System.Net;

namespace Comet.WebSockets.Transport;

/// <summary>
/// A client's request to open a WebSocket, however it reached the node: straight off the TCP
/// connection (<see cref="DirectUpgrade"/>, the usual way) or through the HTTP stack
/// (<see cref="HttpContextUpgrade"/>: a later request on a kept-alive connection, or HTTP/2).
/// The handler refuses it with an HTTP status or accepts it and gets a <see cref="CometWebSocket"/>.
/// </summary>
internal abstract class WebSocketUpgrade
{
    /// <summary>What follows <c>ws/</c> in the request target (CppComet's connect parameters).</summary>
    public required string UrlPart { get; init; }

    public required IPAddress? RemoteAddress { get; init; }

    public string? Origin { get; init; }

    public string UserAgent { get; init; } = "";

    public string AcceptLanguage { get; init; } = "";

    public string ForwardedFor { get; init; } = "";

    /// <summary>The client offered the <c>chat</c> subprotocol (CppComet's JS client does).</summary>
    public bool OffersChat { get; init; }

    /// <summary>Answers with an HTTP status and a one-line text instead of upgrading.</summary>
    public abstract Task RefuseAsync(int statusCode, string message, int? retryAfterSeconds = null);

    /// <summary>Completes the handshake (the 101 leaves with the first frames).</summary>
    public abstract ValueTask<CometWebSocket> AcceptAsync(string? subProtocol, WebSocketTransportSettings settings);

    /// <summary>True when a comma-separated header value lists <paramref name="token"/> (any case).</summary>
    internal static bool HasToken(ReadOnlySpan<char> value, string token)
    {
        foreach (var range in value.Split(','))
        {
            if (value[range].Trim().Equals(token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }
}
