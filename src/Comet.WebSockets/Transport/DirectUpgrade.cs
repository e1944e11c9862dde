using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.WebUtilities;

namespace Comet.WebSockets.Transport;

/// <summary>
/// A WebSocket upgrade read straight off the connection by <see cref="DirectUpgradeMiddleware"/>: the
/// 101 and every frame go to the socket's own pipe, with no HTTP request, response or
/// <c>ManagedWebSocket</c> kept alive for the life of the connection.
/// </summary>
internal sealed class DirectUpgrade(ConnectionContext connection, string key) : WebSocketUpgrade
{
    private PipeWriter Output => connection.Transport.Output;

    public override async Task RefuseAsync(int statusCode, string message, int? retryAfterSeconds = null)
    {
        var body = Encoding.UTF8.GetBytes(message);
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {statusCode} {ReasonPhrases.GetReasonPhrase(statusCode)}\r\n")
            .Append("Content-Type: text/plain; charset=utf-8\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n")
            .Append("Connection: close\r\n");
        if (retryAfterSeconds is { } seconds)
        {
            head.Append(CultureInfo.InvariantCulture, $"Retry-After: {seconds}\r\n");
        }
        head.Append(CommonHeaders).Append("\r\n");
        Output.Write(Encoding.Latin1.GetBytes(head.ToString()));
        Output.Write(body);
        await Output.FlushAsync();
    }

    public override ValueTask<CometWebSocket> AcceptAsync(string? subProtocol, WebSocketTransportSettings settings)
    {
        var head = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: "
            + WebSocketFrames.AcceptKey(key) + "\r\n"
            + (subProtocol is null ? "" : "Sec-WebSocket-Protocol: " + subProtocol + "\r\n")
            + CommonHeaders + "\r\n";
        // Not flushed: the 101 leaves in the same packet as serverInfo.
        Output.Write(Encoding.Latin1.GetBytes(head));
        return ValueTask.FromResult(new CometWebSocket(connection.Transport, connection.Abort, settings, connection.ConnectionClosed));
    }

    /// <summary>What the HTTP stack adds to every answer of the ws port (HttpEndpoints.UseCometHttpHeaders).</summary>
    private const string CommonHeaders = "Comet-Server: Comet.Gateway\r\nAccess-Control-Allow-Origin: *\r\n";
}
