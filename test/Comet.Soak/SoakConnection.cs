using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Comet.Soak;

/// <summary>
/// One short-lived browser-like connection, kept small (thousands run at once): it reads whole
/// messages into a growing buffer, splits frames on "\n", and hands each line to a callback. It leaves
/// the way a closing tab does: it sends a close frame and reads everything up to the server's.
/// </summary>
internal sealed class SoakConnection : IDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    private readonly ClientWebSocket _socket = new();
    private readonly Action<ReadOnlyMemory<byte>> _onLine;
    private Task _reading = Task.CompletedTask;

    private SoakConnection(Action<ReadOnlyMemory<byte>> onLine) => _onLine = onLine;

    /// <summary>Connects and starts reading; throws when the gateway refuses or does not answer.</summary>
    public static async Task<SoakConnection> OpenAsync(Uri uri, Action<ReadOnlyMemory<byte>> onLine)
    {
        var connection = new SoakConnection(onLine);
        connection._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            using var timeout = new CancellationTokenSource(ConnectTimeout);
            await connection._socket.ConnectAsync(uri, timeout.Token);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        connection._reading = Task.Run(connection.ReadAsync);
        return connection;
    }

    public Task SendAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Closes cleanly and waits until every message before the server's close frame was read.</summary>
    public async Task CloseAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            await _reading.WaitAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or TimeoutException)
        {
        }
    }

    /// <summary>The next "data" value on the personal pipe "msg", or null for any other line.</summary>
    public static string? PersonalData(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        string? data = null;
        var personal = false;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
                {
                    continue;
                }
                if (reader.ValueTextEquals("pipe"))
                {
                    reader.Read();
                    personal = reader.ValueTextEquals("msg");
                }
                else if (reader.ValueTextEquals("data"))
                {
                    reader.Read();
                    data = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }
        return personal ? data : null;
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[4096];
        var used = 0;
        try
        {
            while (true)
            {
                if (used == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
                var result = await _socket.ReceiveAsync(buffer.AsMemory(used), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
                used += result.Count;
                if (!result.EndOfMessage)
                {
                    continue;
                }
                ReadOnlyMemory<byte> frame = buffer.AsMemory(0, used);
                while (frame.Length > 0)
                {
                    var end = frame.Span.IndexOf((byte)'\n');
                    _onLine(end < 0 ? frame : frame[..end]);
                    frame = end < 0 ? ReadOnlyMemory<byte>.Empty : frame[(end + 1)..];
                }
                used = 0;
            }
        }
        catch (WebSocketException)
        {
            // The connection failed; what was read so far counts.
        }
    }

    public void Dispose() => _socket.Dispose();
}
