using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Xunit;

namespace Comet.Testing.Clients;

/// <summary>
/// A real .NET ClientWebSocket speaking the CppComet protocol the way a browser does: it splits
/// frames on "\n" into messages and keeps the raw frames so tests can check batching.
/// </summary>
public sealed class CometWebSocketClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly ClientWebSocket _socket;
    private readonly Queue<string> _pending = new();
    private readonly byte[] _buffer = new byte[1 << 20];
    private readonly Channel<string?> _frames = Channel.CreateUnbounded<string?>();
    private readonly Task _pump;
    private Exception? _receiveError;

    private CometWebSocketClient(ClientWebSocket socket)
    {
        _socket = socket;
        // One receive loop for the socket's life: a timed-out wait in a test must not cancel (and so
        // abort) a pending ReceiveAsync.
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>The serverInfo greeting, once <see cref="ConnectAndGreetAsync(Uri, string)"/> read it.</summary>
    public JsonElement ServerInfo { get; private set; }

    /// <summary>Every raw frame received so far (lock it while reading).</summary>
    public List<string> Frames { get; } = [];

    public WebSocketState State => _socket.State;

    public bool IsOpen => _socket.State == WebSocketState.Open;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseStatusDescription => _socket.CloseStatusDescription;

    public string? SubProtocol => _socket.SubProtocol;

    /// <summary>The positional connect URL of the JS client (spec §2.1).</summary>
    public static string Path(string session = "", long userId = 0, int devId = 0, string version = "4.08", string uuid = "uuid0123456789abcdef0123456789ab") =>
        $"/ws/sesion={session}&myid={userId}&devid={devId}&v={version}&uuid={uuid}&api=js";

    /// <summary>A fresh 32-character uuid, as each browser tab has its own.</summary>
    public static string NewUuid() => Guid.NewGuid().ToString("N");

    public static Task<CometWebSocketClient> ConnectAsync(TestGateway gateway, string path, Action<ClientWebSocketOptions>? configure = null) =>
        ConnectAsync(new Uri("ws://127.0.0.1:" + gateway.HttpPort), path, configure);

    public static Task<CometWebSocketClient> ConnectAsync(GatewayProcess node, string path, Action<ClientWebSocketOptions>? configure = null) =>
        ConnectAsync(node.WebSocketUri, path, configure);

    /// <summary>Connects to <paramref name="baseUri"/> (ws://host:port) plus <paramref name="path"/>, taken verbatim.</summary>
    public static async Task<CometWebSocketClient> ConnectAsync(Uri baseUri, string path, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", "http://site.example");
        socket.Options.SetRequestHeader("User-Agent", "CometWebSocketClient/1.0");
        socket.Options.SetRequestHeader("Accept-Language", "en-GB");
        configure?.Invoke(socket.Options);
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        try
        {
            await socket.ConnectAsync(new Uri(baseUri.GetLeftPart(UriPartial.Authority) + path), timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new CometWebSocketClient(socket);
    }

    /// <summary>Connects as a user (a guest by default) with a fresh uuid unless one is given.</summary>
    public static Task<CometWebSocketClient> ConnectAsync(GatewayProcess node, long userId = 0, string session = "", int devId = 0, string? uuid = null) =>
        ConnectAsync(node.WebSocketUri, userId, session, devId, uuid);

    /// <summary>Connects as a user (a guest by default) with a fresh uuid unless one is given.</summary>
    public static Task<CometWebSocketClient> ConnectAsync(Uri baseUri, long userId = 0, string session = "", int devId = 0, string? uuid = null) =>
        ConnectAsync(baseUri, Path(session, userId, devId, uuid: uuid ?? NewUuid()));

    /// <summary>Connects and reads the serverInfo greeting (<see cref="ServerInfo"/>); dispose the client to close it.</summary>
    public static Task<CometWebSocketClient> ConnectAndGreetAsync(TestGateway gateway, string path) =>
        ConnectAndGreetAsync(new Uri("ws://127.0.0.1:" + gateway.HttpPort), path);

    /// <inheritdoc cref="ConnectAndGreetAsync(TestGateway, string)"/>
    public static Task<CometWebSocketClient> ConnectAndGreetAsync(GatewayProcess node, string path) =>
        ConnectAndGreetAsync(node.WebSocketUri, path);

    /// <inheritdoc cref="ConnectAndGreetAsync(TestGateway, string)"/>
    public static async Task<CometWebSocketClient> ConnectAndGreetAsync(Uri baseUri, string path)
    {
        var client = await ConnectAsync(baseUri, path);
        try
        {
            client.ServerInfo = await client.ReceiveAsync();
            Assert.Equal("serverInfo", client.ServerInfo.GetProperty("event").GetString());
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
        return client;
    }

    /// <summary>True when the message is on <paramref name="pipe"/> (messages without a pipe never are).</summary>
    public static bool IsPipe(JsonElement message, string pipe) =>
        message.TryGetProperty("pipe", out var p) && p.GetString() == pipe;

    public async Task SendAsync(string text)
    {
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, timeout.Token);
    }

    /// <summary>The next message as raw JSON text.</summary>
    public async Task<string> ReceiveTextAsync(TimeSpan? timeout = null)
    {
        if (_pending.Count == 0)
        {
            var frame = await ReceiveFrameAsync(timeout ?? DefaultTimeout)
                ?? throw new InvalidOperationException($"The server closed the connection ({_socket.CloseStatus} {_socket.CloseStatusDescription}) instead of sending a message.");
            foreach (var line in frame.Split('\n'))
            {
                _pending.Enqueue(line);
            }
        }
        return _pending.Dequeue();
    }

    public async Task<JsonElement> ReceiveAsync(TimeSpan? timeout = null) => Parse(await ReceiveTextAsync(timeout));

    /// <summary>Skips messages until one matches; TimeoutException when none does in time.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, TimeSpan? timeout = null) =>
        await TryWaitForAsync(match, timeout ?? DefaultTimeout) ?? throw new TimeoutException("No matching message arrived.");

    /// <summary>Skips messages until one matches; null when none does in time.</summary>
    public async Task<JsonElement?> TryWaitForAsync(Func<JsonElement, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return null;
            }
            JsonElement message;
            try
            {
                message = await ReceiveAsync(left);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            if (match(message))
            {
                return message;
            }
        }
    }

    /// <summary>
    /// Publishes with <paramref name="publish"/> until a message on <paramref name="pipe"/> arrives: a
    /// subscription has no answer, so this is how a test knows it took effect (bounded: 50 tries of 0.5 s).
    /// </summary>
    public async Task<JsonElement> PublishUntilReceivedAsync(string pipe, Func<Task> publish)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            await publish();
            if (await TryWaitForAsync(m => IsPipe(m, pipe), TimeSpan.FromMilliseconds(500)) is { } message)
            {
                return message;
            }
        }
        throw new TimeoutException($"No message on {pipe} arrived in 50 publishes.");
    }

    /// <summary>Waits for the next message on a pipe (optionally with an event).</summary>
    public Task<JsonElement> WaitForPipeAsync(string pipe, string? @event = null, TimeSpan? timeout = null) =>
        WaitForAsync(m => m.GetProperty("pipe").GetString() == pipe && (@event is null || m.GetProperty("event").GetString() == @event), timeout);

    /// <summary>Every message received so far and not yet read, without waiting.</summary>
    public List<JsonElement> Drain()
    {
        var messages = new List<JsonElement>();
        while (_pending.TryDequeue(out var line))
        {
            AddMessage(messages, line);
        }
        while (_frames.Reader.TryRead(out var frame) && frame is not null)
        {
            foreach (var line in frame.Split('\n'))
            {
                AddMessage(messages, line);
            }
        }
        return messages;
    }

    /// <summary>Asserts that nothing arrives for a while.</summary>
    public async Task AssertSilentAsync(TimeSpan? wait = null)
    {
        if (_pending.Count > 0)
        {
            Assert.Fail("Unexpected message: " + _pending.Peek());
        }
        try
        {
            var frame = await ReceiveFrameAsync(wait ?? TimeSpan.FromMilliseconds(400));
            Assert.Fail("Unexpected message: " + frame);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Reads until the server's close frame; returns its status (null when the connection just failed).</summary>
    public async Task<WebSocketCloseStatus?> WaitForCloseAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        try
        {
            while (await ReceiveFrameAsync(deadline - DateTime.UtcNow) is not null)
            {
            }
        }
        catch (WebSocketException)
        {
            return null;
        }
        return _socket.CloseStatus;
    }

    /// <summary>Closes cleanly when still open and waits until everything up to the close frame was read.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
            }
        }
        _socket.Dispose();
        await _pump;
    }

    private static JsonElement Parse(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static void AddMessage(List<JsonElement> messages, string line)
    {
        if (line.Length > 0)
        {
            messages.Add(Parse(line));
        }
    }

    /// <summary>One whole WebSocket message, or null when the server closed.</summary>
    private async Task<string?> ReceiveFrameAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        if (!await _frames.Reader.WaitToReadAsync(cancel.Token))
        {
            if (_receiveError is not null)
            {
                throw new WebSocketException("The connection failed.", _receiveError);
            }
            return null;
        }
        var frame = await _frames.Reader.ReadAsync(cancel.Token);
        if (frame is null)
        {
            _frames.Writer.TryComplete();
        }
        return frame;
    }

    private async Task PumpAsync()
    {
        try
        {
            var used = 0;
            while (true)
            {
                var result = await _socket.ReceiveAsync(_buffer.AsMemory(used), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    }
                    _frames.Writer.TryWrite(null);
                    return;
                }
                used += result.Count;
                if (result.EndOfMessage)
                {
                    var frame = Encoding.UTF8.GetString(_buffer, 0, used);
                    lock (Frames)
                    {
                        Frames.Add(frame);
                    }
                    _frames.Writer.TryWrite(frame);
                    used = 0;
                }
            }
        }
        catch (Exception exception)
        {
            _receiveError = exception;
            _frames.Writer.TryComplete();
        }
    }
}
