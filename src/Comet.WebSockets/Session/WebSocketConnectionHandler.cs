using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Comet.Core.Diagnostics;
using Comet.Core.Engine;
using Comet.Core.Hub;
using Comet.Core.Options;
using Comet.WebSockets.Admission;
using Comet.WebSockets.Commands;
using Comet.WebSockets.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Comet.WebSockets.Session;

/// <summary>
/// Runs one WebSocket connection from the upgrade to the close: admit (or refuse before the upgrade),
/// authenticate, register (hub first, gated; then presence), greet with serverInfo and the offline
/// queue, open the gate, then read commands and write messages until either side closes.
/// </summary>
internal sealed partial class WebSocketConnectionHandler(
    SessionServices services,
    ClientAuthenticator authenticator,
    WebSocketAdmission admission,
    WebSocketLimitMetrics limitMetrics,
    CometMetrics metrics,
    IOptions<CometOptions> cometOptions,
    ILogger<WebSocketConnectionHandler> logger)
{
    private const int MaxHeaderLength = 256;
    private const int InitialReceiveBuffer = 4096;

    private readonly string _nodeName = cometOptions.Value.NodeName;
    private readonly CometWebSocketOptions _options = services.Options;
    private readonly string _tooManyCommands = string.Create(CultureInfo.InvariantCulture,
        $"Too many commands: a connection may send at most {services.Options.MaxCommandsPerSecond} per second; this one was ignored.");
    private long _connectionCounter;

    public async Task HandleAsync(HttpContext context, string urlPart)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("This is the CppComet WebSocket endpoint: connect with a WebSocket client.", context.RequestAborted);
            return;
        }
        var address = ClientAddress(context);
        if (!admission.TryAdmit(address, out var refusal))
        {
            await RefuseUpgradeAsync(context, refusal);
            return;
        }
        try
        {
            await ServeAsync(context, urlPart, address);
        }
        finally
        {
            admission.Release();
        }
    }

    private async Task ServeAsync(HttpContext context, string urlPart, string address)
    {
        var url = CometUrlParser.Parse(urlPart, out var urlError);
        var accept = new WebSocketAcceptContext
        {
            SubProtocol = context.WebSockets.WebSocketRequestedProtocols.Contains("chat") ? "chat" : null,
            KeepAliveInterval = _options.KeepAliveInterval,
            KeepAliveTimeout = _options.KeepAliveTimeout > TimeSpan.Zero && _options.KeepAliveInterval > TimeSpan.Zero
                ? _options.KeepAliveTimeout
                : Timeout.InfiniteTimeSpan,
        };
        using var socket = await context.WebSockets.AcceptWebSocketAsync(accept);
        if (url is null)
        {
            await RefuseAsync(socket, ServerMessages.UrlError(urlError!), WebSocketCloseStatus.PolicyViolation, "Invalid connect URL.", context.RequestAborted);
            return;
        }

        AuthResult auth;
        try
        {
            auth = await authenticator.AuthenticateAsync(url);
        }
        catch (StorageUnavailableException)
        {
            await RefuseAsync(socket, ServerMessages.Error("The storage is unavailable; reconnect later.", services.Now, url.Compat),
                WebSocketCloseStatus.InternalServerError, "Storage unavailable.", context.RequestAborted);
            return;
        }

        var info = new Comet.Core.Engine.ConnectionInfo(
            url.DevId,
            _nodeName + ":" + Interlocked.Increment(ref _connectionCounter).ToString(CultureInfo.InvariantCulture),
            auth.UserId,
            url.Uuid,
            Header(context, "User-Agent"),
            address,
            Header(context, "Origin"),
            Header(context, "Accept-Language"),
            auth.Credential);
        using var connection = new HubConnection(info, url.Compat, _options.OutboundQueueLength);
        services.Hub.Add(connection);
        if (admission.IsDraining)
        {
            // Admitted just before the drain began, registered after it closed the others.
            connection.RequestClose(CloseRequest.ServiceRestart);
        }
        metrics.WebSocketOpened();
        LogOpened(info.ConnectionId, info.DevId, info.UserId, url.MajorVersion, url.MinorVersion);
        try
        {
            await RunAsync(context, socket, connection, auth);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException)
        {
            // The client went away or was aborted; cleanup follows.
        }
        finally
        {
            services.Hub.Remove(connection);
            metrics.WebSocketClosed();
            LogClosed(info.ConnectionId, connection.CloseRequested?.Reason ?? "closed by the client");
            try
            {
                await services.Engine.Presence.DisconnectAsync(info);
            }
            catch (Exception exception)
            {
                LogDisconnectFailed(exception, info.ConnectionId);
            }
        }
    }

    private async Task RunAsync(HttpContext context, WebSocket socket, HubConnection connection, AuthResult auth)
    {
        var aborted = context.RequestAborted;
        var writer = new OutboundWriter(socket, connection, _options.MaxBatchBytes, metrics);
        ConnectResult result;
        try
        {
            result = await services.Engine.Presence.ConnectAsync(connection.Info);
        }
        catch (StorageUnavailableException)
        {
            await RefuseAsync(socket, ServerMessages.Error("The storage is unavailable; reconnect later.", services.Now, connection.Compat),
                WebSocketCloseStatus.InternalServerError, "Storage unavailable.", aborted);
            return;
        }

        var greeting = new List<byte[]> { ServerMessages.ServerInfo(auth.IsAuthorized, auth.Hash, services.Now, connection.Compat) };
        if (!result.Accepted)
        {
            greeting.Add(ServerMessages.Error(
                $"Too many connections: a user may hold at most {services.Limits.MaxConnectionsPerUser} at once.",
                services.Now, connection.Compat, code: "403"));
            await writer.SendAllAsync(greeting, aborted);
            await CloseQuietlyAsync(socket, CloseRequest.TooManyConnections);
            return;
        }
        foreach (var queued in result.QueuedMessages)
        {
            greeting.Add(CometMessageEncoder.Encode(queued.ToQueuedDelivery(), connection.Compat));
        }
        var greeted = false;
        try
        {
            await writer.SendAllAsync(greeting, aborted);
            // Writes to a connection that was reset may complete without an error: check it is alive.
            greeted = !aborted.IsCancellationRequested && socket.State == WebSocketState.Open;
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException)
        {
        }
        if (!greeted)
        {
            // This connection took the user's offline queue; it died before the queue was written, so
            // give the messages back (to the user's other connections, or to the queue) rather than lose them.
            await RequeueAsync(connection, result.QueuedMessages);
            return;
        }
        connection.OpenGate();

        using var abort = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        // A requested close must finish its handshake in time, or the socket is aborted.
        using var closing = connection.Closing.Register(() => abort.CancelAfter(_options.CloseTimeout));
        var session = new ClientSession(services, connection);
        var writing = WriteThenCloseAsync(socket, connection, writer, abort.Token);
        try
        {
            await ReadAsync(socket, session, abort.Token);
        }
        finally
        {
            connection.Complete();
            await writing;
        }
    }

    private async Task RequeueAsync(HubConnection connection, IReadOnlyList<Comet.Core.Messages.QueuedMessage> messages)
    {
        if (messages.Count == 0)
        {
            return;
        }
        var info = connection.Info;
        // Presence must no longer count this connection, or the messages would come straight back to it.
        services.Hub.Remove(connection);
        try
        {
            await services.Engine.Presence.DisconnectAsync(info);
            foreach (var message in messages)
            {
                await services.Engine.Bus.SendToUserAsync(info.DevId, info.UserId, message.Event, message.Message);
            }
            LogRequeued(info.ConnectionId, messages.Count);
        }
        catch (StorageUnavailableException exception)
        {
            LogRequeueFailed(exception, info.ConnectionId, messages.Count);
        }
    }

    /// <summary>Receives client messages (text or binary), bounded by MaxMessageSize and by the command
    /// rate, and dispatches them in order.</summary>
    private async Task ReadAsync(WebSocket socket, ClientSession session, CancellationToken cancellationToken)
    {
        var max = _options.MaxMessageSize;
        var rate = new CommandRateLimiter(_options.MaxCommandsPerSecond, _options.MaxRejectedCommands, services.Time);
        var closing = false;
        byte[]? buffer = null;
        try
        {
            var used = 0;
            var oversized = false;
            while (true)
            {
                if (used == 0 && !oversized)
                {
                    // Between messages hold no buffer: wait with a zero-byte receive (an idle
                    // connection then costs no 4 KB array) and rent one only when data arrived.
                    if (buffer is not null)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = null;
                    }
                    var ready = await socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken);
                    if (ready.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }
                    buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialReceiveBuffer, max + 1));
                }
                buffer ??= ArrayPool<byte>.Shared.Rent(Math.Min(InitialReceiveBuffer, max + 1));
                if (used == buffer.Length)
                {
                    if (buffer.Length > max)
                    {
                        oversized = true;
                        used = 0;
                    }
                    else
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, max + 1));
                        buffer.AsSpan(0, used).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                }
                var received = await socket.ReceiveAsync(buffer.AsMemory(used), cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
                used += received.Count;
                if (used > max)
                {
                    oversized = true;
                    used = 0;
                }
                if (!received.EndOfMessage)
                {
                    continue;
                }
                var verdict = closing ? CommandVerdict.Disconnect : rate.Take();
                if (verdict != CommandVerdict.Accepted)
                {
                    // After an abuse close, what the client still sends before the handshake is ignored.
                    closing = closing || RejectCommand(session, verdict);
                }
                else if (oversized)
                {
                    session.SendError($"Message too long: a message may have at most {max} bytes.");
                }
                else if (used > 0)
                {
                    await CommandDispatcher.DispatchAsync(session, Encoding.UTF8.GetString(buffer, 0, used));
                }
                used = 0;
                oversized = false;
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Answers a command over the rate with a sys error (code 429), or closes the connection
    /// with 1008 when it kept going; true when it closes.</summary>
    private bool RejectCommand(ClientSession session, CommandVerdict verdict)
    {
        limitMetrics.CommandRejected();
        if (verdict == CommandVerdict.Rejected)
        {
            session.SendError(_tooManyCommands, code: "429");
            return false;
        }
        limitMetrics.CommandAbuseDisconnected();
        LogCommandAbuse(session.Info.ConnectionId, session.Info.Ip, _options.MaxRejectedCommands);
        session.Connection.RequestClose(CloseRequest.TooManyCommands);
        return true;
    }

    /// <summary>Answers an upgrade request this node does not take (draining, full, address over its
    /// rate) with plain HTTP: the status, Retry-After and a one-line reason; no WebSocket is opened.</summary>
    private static Task RefuseUpgradeAsync(HttpContext context, AdmissionRefusal refusal)
    {
        var response = context.Response;
        response.StatusCode = refusal.StatusCode;
        response.Headers.RetryAfter = refusal.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        response.Headers.Connection = "close";
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(refusal.Message, context.RequestAborted);
    }

    /// <summary>Writes until the queue ends, then completes the close handshake from the server's side.</summary>
    private static async Task WriteThenCloseAsync(WebSocket socket, HubConnection connection, OutboundWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            await writer.RunAsync(cancellationToken);
            if (connection.CloseRequested is { } request)
            {
                await socket.CloseOutputAsync((WebSocketCloseStatus)request.Code, request.Reason, cancellationToken);
            }
            else if (socket.State == WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cancellationToken);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException)
        {
            socket.Abort();
        }
    }

    /// <summary>Sends one message and closes (bad URL, storage down).</summary>
    private async Task RefuseAsync(WebSocket socket, byte[] message, WebSocketCloseStatus status, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException)
        {
            return;
        }
        await CloseQuietlyAsync(socket, new CloseRequest((int)status, reason));
    }

    /// <summary>Closes with a handshake bounded by CloseTimeout.</summary>
    private async Task CloseQuietlyAsync(WebSocket socket, CloseRequest request)
    {
        using var timeout = new CancellationTokenSource(_options.CloseTimeout);
        try
        {
            await socket.CloseAsync((WebSocketCloseStatus)request.Code, request.Reason, timeout.Token);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException)
        {
            socket.Abort();
        }
    }

    private static string Header(HttpContext context, string name)
    {
        var value = context.Request.Headers[name].ToString();
        return value.Length <= MaxHeaderLength ? value : value[..MaxHeaderLength];
    }

    /// <summary>The peer address, or the first X-Forwarded-For entry when the proxy is trusted.</summary>
    private string ClientAddress(HttpContext context)
    {
        if (_options.TrustForwardedFor)
        {
            var forwarded = context.Request.Headers["X-Forwarded-For"].ToString();
            if (forwarded.Length > 0)
            {
                var first = forwarded.Split(',')[0].Trim();
                if (first.Length is > 0 and <= 64)
                {
                    return first;
                }
            }
        }
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "";
        }
        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "WebSocket {ConnectionId} opened (dev_id {DevId}, user {UserId}, client v{Major}.{Minor})")]
    private partial void LogOpened(string connectionId, int devId, long userId, int major, int minor);

    [LoggerMessage(Level = LogLevel.Debug, Message = "WebSocket {ConnectionId} closed: {Reason}")]
    private partial void LogClosed(string connectionId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket {ConnectionId} failed while sending the offline queue; {Count} messages were queued again")]
    private partial void LogRequeued(string connectionId, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "WebSocket {ConnectionId} failed while sending the offline queue and the storage is down; {Count} messages are lost")]
    private partial void LogRequeueFailed(Exception exception, string connectionId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing WebSocket {ConnectionId} from {ClientAddress}: more than {MaxRejected} commands over its rate within a minute")]
    private partial void LogCommandAbuse(string connectionId, string clientAddress, int maxRejected);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Presence could not forget connection {ConnectionId}")]
    private partial void LogDisconnectFailed(Exception exception, string connectionId);
}
