using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Comet.Testing;

namespace Comet.Redis.Tests.EndToEnd;

/// <summary>A real ClientWebSocket speaking the CppComet protocol like the JS client: one message per line.</summary>
internal sealed class CometClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<JsonElement> _messages = Channel.CreateUnbounded<JsonElement>();
    private readonly Task _pump;

    private CometClient(ClientWebSocket socket)
    {
        _socket = socket;
        _pump = Task.Run(PumpAsync);
    }

    public bool IsOpen => _socket.State == WebSocketState.Open;

    public static async Task<CometClient> ConnectAsync(GatewayProcess node, long userId = 0, string hash = "", int devId = 0, string? uuid = null)
    {
        uuid ??= Guid.NewGuid().ToString("N");
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(
            new Uri(node.WebSocketUri, $"/ws/sesion={hash}&myid={userId}&devid={devId}&v=4.08&uuid={uuid}&api=js"), timeout.Token);
        return new CometClient(socket);
    }

    public async Task SendAsync(string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, timeout.Token);
    }

    /// <summary>The next message matching <paramref name="match"/>, skipping others.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                var message = await _messages.Reader.ReadAsync(cts.Token);
                if (match(message))
                {
                    return message;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No matching message arrived.");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException("The connection closed before a matching message arrived.");
        }
    }

    /// <summary>Every message received so far and not yet read.</summary>
    public List<JsonElement> Drain()
    {
        var list = new List<JsonElement>();
        while (_messages.Reader.TryRead(out var message))
        {
            list.Add(message);
        }
        return list;
    }

    public static bool IsPipe(JsonElement message, string pipe) =>
        message.TryGetProperty("pipe", out var p) && p.GetString() == pipe;

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        _socket.Dispose();
        await _pump;
    }

    private async Task PumpAsync()
    {
        var buffer = new byte[1 << 16];
        using var frame = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                frame.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }
                foreach (var line in Encoding.UTF8.GetString(frame.GetBuffer(), 0, (int)frame.Length).Split('\n'))
                {
                    if (line.Length > 0)
                    {
                        using var document = JsonDocument.Parse(line);
                        _messages.Writer.TryWrite(document.RootElement.Clone());
                    }
                }
                frame.SetLength(0);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        _messages.Writer.TryComplete();
    }
}
