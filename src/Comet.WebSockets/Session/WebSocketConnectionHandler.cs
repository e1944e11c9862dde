using System.Globalization;
using Comet.Core.Diagnostics;
using Comet.Core.Engine;
using Comet.Core.Hub;
using Comet.Core.Options;
using Comet.WebSockets.Admission;
using Comet.WebSockets.Commands;
using Comet.WebSockets.Origins;
using Comet.WebSockets.Protocol;
using Comet.WebSockets.Transport;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Comet.WebSockets.Session;

/// <summary>
/// Runs one WebSocket connection from the upgrade to the close: check the origin, admit (or refuse
/// before the upgrade), authenticate, register (hub first, gated; then presence), greet with
/// serverInfo and the offline queue, open the gate, then read commands until either side closes;
/// messages are written by whichever thread delivers them (<see cref="CometWebSocket.Signal"/>).
/// </summary>
internal sealed partial class WebSocketConnectionHandler(
    SessionServices services,
    ClientAuthenticator authenticator,
    WebSocketAdmission admission,
    WebSocketLimitMetrics limitMetrics,
    OriginAllowList origins,
    KeepAliveSweeper keepAlive,
    CometMetrics metrics,
    NodeIdentity node,
    ILogger<WebSocketConnectionHandler> logger)
{
    private const int MaxHeaderLength = 256;

    // Connection ids carry the process's incarnation: unique in the cluster even across restarts under one name.
    private readonly string _idPrefix = node.Id + ":";
    private readonly CometWebSocketOptions _options = services.Options;
    private readonly WebSocketTransportSettings _settings = new(
        services.Options.MaxMessageSize, services.Options.MaxBatchBytes, services.Options.CloseTimeout, metrics);
    private readonly string _tooManyCommands = string.Create(CultureInfo.InvariantCulture,
        $"Too many commands: a connection may send at most {services.Options.MaxCommandsPerSecond} per second; this one was ignored.");
    private long _connectionCounter;

    public async Task HandleAsync(WebSocketUpgrade upgrade)
    {
        if (!origins.Allows(upgrade.Origin))
        {
            LogOriginRefused(upgrade.Origin ?? "", upgrade.RemoteAddress?.ToString());
            await upgrade.RefuseAsync(StatusCodes.Status403Forbidden, "This origin may not connect.");
            return;
        }
        var address = ClientAddress(upgrade);
        if (!admission.TryAdmit(address, out var refusal))
        {
            await upgrade.RefuseAsync(refusal.StatusCode, refusal.Message, refusal.RetryAfterSeconds);
            return;
        }
        try
        {
            await ServeAsync(upgrade, address);
        }
        finally
        {
            admission.Release();
        }
    }

    private async Task ServeAsync(WebSocketUpgrade upgrade, string address)
    {
        var url = CometUrlParser.Parse(upgrade.UrlPart, out var urlError);
        var socket = await upgrade.AcceptAsync(upgrade.OffersChat ? "chat" : null, _settings);
        try
        {
            if (url is null)
            {
                await RefuseAsync(socket, ServerMessages.UrlError(urlError!), new CloseRequest(1008, "Invalid connect URL."));
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
                    new CloseRequest(1011, "Storage unavailable."));
                return;
            }

            var info = new ClientRecord(
                url.DevId,
                _idPrefix + Interlocked.Increment(ref _connectionCounter).ToString(CultureInfo.InvariantCulture),
                auth.UserId,
                url.Uuid,
                Truncate(upgrade.UserAgent),
                address,
                Truncate(upgrade.Origin ?? ""),
                Truncate(upgrade.AcceptLanguage),
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
                await RunAsync(socket, connection, auth);
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
        finally
        {
            await socket.StopWriterAsync(_options.CloseTimeout);
            socket.Finish();
        }
    }

    private async Task RunAsync(CometWebSocket socket, HubConnection connection, AuthResult auth)
    {
        if (!await ConnectAndGreetAsync(socket, connection, auth))
        {
            return;
        }
        socket.Attach(connection);
        // A requested close must finish its handshake in time, or the connection is dropped.
        using var closing = connection.Closing.UnsafeRegister(static state => ((CometWebSocket)state!).AbortAfterCloseTimeout(), socket);
        keepAlive.Add(socket);
        try
        {
            connection.OpenGate();
            await ReadAsync(socket, new ClientSession(services, connection));
        }
        finally
        {
            keepAlive.Remove(socket);
            connection.Complete();
        }
    }

    /// <summary>Joins presence and sends serverInfo and the offline queue (or a refusal); false when the
    /// session ends here. A method of its own, so the greeting and the queue are not kept for the
    /// connection's life by the caller's state machine.</summary>
    private async Task<bool> ConnectAndGreetAsync(CometWebSocket socket, HubConnection connection, AuthResult auth)
    {
        ConnectResult result;
        try
        {
            result = await services.Engine.Presence.ConnectAsync(connection.Info);
        }
        catch (StorageUnavailableException)
        {
            await RefuseAsync(socket, ServerMessages.Error("The storage is unavailable; reconnect later.", services.Now, connection.Compat),
                new CloseRequest(1011, "Storage unavailable."));
            return false;
        }

        var greeting = new List<byte[]> { ServerMessages.ServerInfo(auth.IsAuthorized, auth.Hash, services.Now, connection.Compat) };
        if (!result.Accepted)
        {
            greeting.Add(ServerMessages.Error(
                $"Too many connections: a user may hold at most {services.Limits.MaxConnectionsPerUser} at once.",
                services.Now, connection.Compat, code: "403"));
            if (await socket.SendFirstAsync(greeting))
            {
                await CloseAsync(socket, CloseRequest.TooManyConnections);
            }
            return false;
        }
        foreach (var queued in result.QueuedMessages)
        {
            greeting.Add(CometMessageEncoder.Encode(queued.ToQueuedDelivery(), connection.Compat));
        }
        // Writes to a connection that was reset may complete without an error: SendFirstAsync also
        // checks that it is alive.
        if (!await socket.SendFirstAsync(greeting))
        {
            // This connection took the user's offline queue; it died before the queue was written, so
            // give the messages back (to the user's other connections, or to the queue) rather than lose them.
            await RequeueAsync(connection, result.QueuedMessages);
            return false;
        }
        return true;
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
    /// rate, and dispatches them in order, until the client closes or goes away.</summary>
    private async Task ReadAsync(CometWebSocket socket, ClientSession session)
    {
        var max = _options.MaxMessageSize;
        var rate = new CommandRateLimiter(_options.MaxCommandsPerSecond, _options.MaxRejectedCommands, services.Time);
        var closing = false;
        while (true)
        {
            var received = await socket.ReceiveAsync();
            switch (received.Kind)
            {
                case ReceivedKind.Ended:
                    return;
                case ReceivedKind.Close:
                    // The client's close, or its answer to ours: take nothing more (a personal message
                    // offered from now on stays queued for the user's next connection instead of being
                    // written after the close frame, i.e. lost), then answer after what is still queued.
                    session.Connection.Complete();
                    await socket.CloseOutputAsync(1000, "", _options.CloseTimeout);
                    return;
                case ReceivedKind.ProtocolError:
                    session.Connection.RequestClose(new CloseRequest(1002, received.Text));
                    return;
            }
            var verdict = closing ? CommandVerdict.Disconnect : rate.Take();
            if (verdict != CommandVerdict.Accepted)
            {
                // After an abuse close, what the client still sends before the handshake is ignored.
                closing = closing || RejectCommand(session, verdict);
            }
            else if (received.Kind == ReceivedKind.Oversized)
            {
                session.SendError($"Message too long: a message may have at most {max} bytes.");
            }
            else if (received.Text.Length > 0)
            {
                await CommandDispatcher.DispatchAsync(session, received.Text);
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

    /// <summary>Sends one message and closes (bad URL, storage down).</summary>
    private async Task RefuseAsync(CometWebSocket socket, byte[] message, CloseRequest close)
    {
        if (await socket.SendFirstAsync([message]))
        {
            await CloseAsync(socket, close);
        }
    }

    /// <summary>Closes before the session began: the close frame, then the client's answer, waited
    /// for at most CloseTimeout (so the client sees a clean close, not a reset).</summary>
    private async Task CloseAsync(CometWebSocket socket, CloseRequest close)
    {
        await socket.CloseOutputAsync(close.Code, close.Reason, _options.CloseTimeout);
        var answer = WaitForCloseAsync(socket);
        if (await Task.WhenAny(answer, Task.Delay(_options.CloseTimeout)) != answer)
        {
            socket.Abort();
            await answer;
        }
    }

    private static async Task WaitForCloseAsync(CometWebSocket socket)
    {
        while ((await socket.ReceiveAsync()).Kind is not (ReceivedKind.Close or ReceivedKind.Ended or ReceivedKind.ProtocolError))
        {
        }
    }

    private static string Truncate(string value) => value.Length <= MaxHeaderLength ? value : value[..MaxHeaderLength];

    /// <summary>The peer address, or the first X-Forwarded-For entry when the proxy is trusted.</summary>
    private string ClientAddress(WebSocketUpgrade upgrade)
    {
        if (_options.TrustForwardedFor && upgrade.ForwardedFor.Length > 0)
        {
            var first = upgrade.ForwardedFor.Split(',')[0].Trim();
            if (first.Length is > 0 and <= 64)
            {
                return first;
            }
        }
        var address = upgrade.RemoteAddress;
        if (address is null)
        {
            return "";
        }
        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket from origin {Origin} ({RemoteAddress}) refused: not in Comet:WebSocket:AllowedOrigins")]
    private partial void LogOriginRefused(string origin, string? remoteAddress);

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
