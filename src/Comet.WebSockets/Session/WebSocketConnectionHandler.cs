using System.Globalization;
using Comet.Core.Diagnostics;
using Comet.Core.Engine;
using Comet.Core.Options;
using Comet.Node;
using Comet.WebSockets.Admission;
using Comet.WebSockets.Commands;
using Comet.WebSockets.Delivery;
using Comet.WebSockets.Origins;
using Comet.WebSockets.Protocol;
using Comet.WebSockets.Transport;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Comet.WebSockets.Session;

/// <summary>
/// Runs one WebSocket connection from the upgrade to the close: check the origin, admit (or refuse
/// before the upgrade), authenticate, connect to the node (its messages held back meanwhile), greet with
/// serverInfo and the offline queue, let the held messages go, then read commands until either side
/// closes; messages are written by whichever thread delivers them (<see cref="CometWebSocket.Signal"/>).
/// </summary>
internal sealed partial class WebSocketConnectionHandler(
    SessionServices services,
    ClientAuthenticator authenticator,
    WebSocketAdmission admission,
    WebSocketLimitMetrics limitMetrics,
    OriginAllowList origins,
    KeepAliveSweeper keepAlive,
    TokenExpirySweeper tokenExpiry,
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
    private readonly CometNode _node = services.Node;
    private Action<WebSocketOutbox>? _onOverflow;
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
                await RefuseStorageUnavailableAsync(socket, url.Compat);
                return;
            }

            // Only our v4 clients acknowledge, and only an authorised user has personal messages.
            var acknowledges = url.Ack is not null && !url.Compat && auth.IsAuthorized;
            var record = new ClientRecord(
                url.DevId,
                _idPrefix + Interlocked.Increment(ref _connectionCounter).ToString(CultureInfo.InvariantCulture),
                auth.UserId,
                url.Uuid,
                Truncate(upgrade.UserAgent),
                address,
                Truncate(upgrade.Origin ?? ""),
                Truncate(upgrade.AcceptLanguage),
                auth.Credential,
                acknowledges ? url.Ack : null);
            var encoding = url.Compat ? MessageEncoding.Compat : acknowledges ? MessageEncoding.WithSeq : MessageEncoding.Standard;
            using var outbox = new WebSocketOutbox(record, encoding, _options.OutboundQueueLength, _options.OutboundQueueBytes, _onOverflow ??= OnOverflow);
            var client = new NodeClient(record, outbox);
            metrics.WebSocketOpened();
            LogOpened(record.ConnectionId, record.DevId, record.UserId, url.MajorVersion, url.MinorVersion);
            try
            {
                await RunAsync(socket, client, outbox, auth);
            }
            finally
            {
                outbox.Complete();
                metrics.WebSocketClosed();
                LogClosed(record.ConnectionId, outbox.CloseRequested?.Reason ?? "closed by the client");
                await _node.DisconnectAsync(client);
            }
        }
        finally
        {
            await socket.StopWriterAsync(_options.CloseTimeout);
            socket.Finish();
        }
    }

    private async Task RunAsync(CometWebSocket socket, NodeClient client, WebSocketOutbox outbox, AuthResult auth)
    {
        if (!await ConnectAndGreetAsync(socket, client, outbox, auth))
        {
            return;
        }
        socket.Attach(outbox);
        // A requested close must finish its handshake in time, or the connection is dropped (a slow
        // consumer at once).
        using var closing = outbox.Closing.UnsafeRegister(static state => ((CometWebSocket)state!).OnCloseRequested(), socket);
        keepAlive.Add(socket);
        var session = new ClientSession(services, client, outbox) { IsTokenAuthorised = auth.Expires is not null };
        if (auth.Expires is { } expires)
        {
            // After the greeting: the first thing a client with a nearly expired token hears after serverInfo is the warning.
            tokenExpiry.Track(session, expires);
        }
        try
        {
            outbox.OpenGate();
            await ReadAsync(socket, session);
        }
        finally
        {
            tokenExpiry.Remove(session);
            keepAlive.Remove(socket);
            outbox.Complete();
        }
    }

    /// <summary>Connects to the node and sends serverInfo and the offline queue (or a refusal); false when
    /// the session ends here. A method of its own, so the greeting and the queue are not kept for the
    /// connection's life by the caller's state machine.</summary>
    private async Task<bool> ConnectAndGreetAsync(CometWebSocket socket, NodeClient client, WebSocketOutbox outbox, AuthResult auth)
    {
        ConnectResult result;
        try
        {
            result = await _node.ConnectAsync(client);
        }
        catch (StorageUnavailableException)
        {
            await RefuseStorageUnavailableAsync(socket, outbox.Compat);
            return false;
        }
        outbox.DropPersonalUpTo(result.ResumedAfter);
        if (admission.IsDraining)
        {
            // Admitted just before the drain began, connected after it closed the others.
            outbox.RequestClose(CloseRequest.ServiceRestart);
        }

        var acknowledges = client.Record.ResumeAfter is not null;
        var greeting = new List<byte[]>
        {
            ServerMessages.ServerInfo(auth.IsAuthorized, auth.Hash, services.Now, outbox.Compat, acknowledges && result.Accepted ? result.ResumedAfter : null),
        };
        if (!result.Accepted)
        {
            greeting.Add(ServerMessages.Error(
                $"Too many connections: a user may hold at most {services.Limits.MaxConnectionsPerUser} at once.",
                services.Now, outbox.Compat, code: "403"));
            if (await socket.SendFirstAsync(greeting))
            {
                await CloseAsync(socket, CloseRequest.TooManyConnections);
            }
            return false;
        }
        if (result.Missed is { } missed)
        {
            greeting.Add(ServerMessages.MessagesMissed(missed.From, missed.To, services.Now));
        }
        foreach (var queued in result.QueuedMessages)
        {
            greeting.Add(CometMessageEncoder.Encode(queued.ToQueuedDelivery(), outbox.Compat, withSeq: acknowledges));
        }
        // Writes to a connection that was reset may complete without an error: SendFirstAsync also
        // checks that it is alive.
        if (!await socket.SendFirstAsync(greeting))
        {
            // This connection took the user's offline queue; it died before the queue was written, so
            // give the messages back (to the user's other connections, or to the queue) rather than lose them.
            // A client that acknowledges resumes them from the window instead (sent again, they would
            // come back under new seqs, as duplicates it could not tell).
            if (!acknowledges)
            {
                await RequeueAsync(client, result.QueuedMessages);
            }
            return false;
        }
        return true;
    }

    private async Task RequeueAsync(NodeClient client, IReadOnlyList<Comet.Core.Messages.QueuedMessage> messages)
    {
        if (messages.Count == 0)
        {
            return;
        }
        var record = client.Record;
        // The node must no longer count this client, or the messages would come straight back to it.
        await _node.DisconnectAsync(client);
        try
        {
            foreach (var message in messages)
            {
                await _node.SendToUserAsync(record.DevId, record.UserId, message.Event, message.Message);
            }
            LogRequeued(record.ConnectionId, messages.Count);
        }
        catch (StorageUnavailableException exception)
        {
            LogRequeueFailed(exception, record.ConnectionId, messages.Count);
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
                    session.Outbox.Complete();
                    await socket.CloseOutputAsync(1000, "", _options.CloseTimeout);
                    return;
                case ReceivedKind.ProtocolError:
                    session.Outbox.RequestClose(new CloseRequest(1002, received.Text));
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
        session.Outbox.RequestClose(CloseRequest.TooManyCommands);
        return true;
    }

    /// <summary>Refuses the connection because the storage did not answer (1011): the client reconnects later.</summary>
    private Task RefuseStorageUnavailableAsync(CometWebSocket socket, bool compat) =>
        RefuseAsync(socket, ServerMessages.Error("The storage is unavailable; reconnect later.", services.Now, compat),
            new CloseRequest(1011, "Storage unavailable."));

    /// <summary>Counts and logs a client closed because it read too slowly (its send queue overflowed).</summary>
    private void OnOverflow(WebSocketOutbox outbox)
    {
        limitMetrics.SlowConsumerClosed();
        LogSlowConsumer(outbox.Record.ConnectionId, outbox.Record.DevId, outbox.Record.UserId);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing slow consumer {ConnectionId} (dev_id {DevId}, user {UserId}): its outbound queue overflowed")]
    private partial void LogSlowConsumer(string connectionId, int devId, long userId);
}
