using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Comet.Testing;

namespace Comet.WebSockets.Tests;

/// <summary>
/// The two ways an upgrade reaches the server: as the first request of a connection (taken straight
/// off the socket) and as a later request on a kept-alive HTTP/1.1 connection, as some proxies send it
/// (served through the HTTP stack). Both must give the same handshake and the same session.
/// </summary>
public sealed class UpgradePathTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_upgrade_is_served_first_on_a_connection_or_after_an_HTTP_request_on_it(bool afterHttpRequest)
    {
        await using var gateway = await TestGateway.StartAsync();
        using var tcp = new TcpClient(AddressFamily.InterNetwork);
        using var timeout = new CancellationTokenSource(Timeout);
        await tcp.ConnectAsync(IPAddress.Loopback, gateway.HttpPort, timeout.Token);
        var stream = tcp.GetStream();
        var reader = new Reader(stream);

        if (afterHttpRequest)
        {
            await stream.WriteAsync("GET /info HTTP/1.1\r\nHost: gateway\r\n\r\n"u8.ToArray(), timeout.Token);
            var info = await reader.ReadHeadAsync(timeout.Token);
            Assert.StartsWith("HTTP/1.1 200", info, StringComparison.Ordinal);
            Assert.Equal("chunked", Header(info, "Transfer-Encoding"));
            Assert.Contains("\"status\":\"ok\"", await reader.ReadChunkedBodyAsync(timeout.Token), StringComparison.Ordinal);
        }

        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET {CometWebSocketClient.Path()} HTTP/1.1\r\nHost: gateway\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
            $"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Protocol: chat\r\n\r\n"), timeout.Token);
        var head = await reader.ReadHeadAsync(timeout.Token);

        Assert.StartsWith("HTTP/1.1 101", head, StringComparison.Ordinal);
        Assert.Equal(ExpectedAccept(key), Header(head, "Sec-WebSocket-Accept"));
        Assert.Equal("chat", Header(head, "Sec-WebSocket-Protocol"));
        Assert.Equal("serverInfo", JsonDocument.Parse(await reader.ReadTextFrameAsync(timeout.Token)).RootElement.GetProperty("event").GetString());

        await stream.WriteAsync(MaskedText("pipe_count\nweb_paths\nm1"), timeout.Token);
        var answer = JsonDocument.Parse(await reader.ReadTextFrameAsync(timeout.Token)).RootElement;
        Assert.Equal("_answer_pipe_count", answer.GetProperty("pipe").GetString());
        Assert.Equal("m1", answer.GetProperty("marker").GetString());
    }

    private static string ExpectedAccept(string key) =>
#pragma warning disable CA5350 // RFC 6455's handshake hash
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350

    private static string? Header(string head, string name) =>
        head.Split("\r\n").Select(line => line.Split(':', 2)).Where(p => p.Length == 2 && p[0].Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Trim()).FirstOrDefault();

    private static byte[] MaskedText(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var mask = RandomNumberGenerator.GetBytes(4);
        return [0x81, (byte)(0x80 | payload.Length), .. mask, .. payload.Select((b, i) => (byte)(b ^ mask[i % 4]))];
    }

    /// <summary>Reads an HTTP head, bodies and unmasked server frames from one stream, in order.</summary>
    private sealed class Reader(NetworkStream stream)
    {
        private readonly List<byte> _buffered = [];

        public async Task<string> ReadHeadAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var text = Encoding.Latin1.GetString(_buffered.ToArray());
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0)
                {
                    _buffered.RemoveRange(0, end + 4);
                    return text[..end];
                }
                await FillAsync(cancellationToken);
            }
        }

        /// <summary>A chunked body, up to its last (empty) chunk.</summary>
        public async Task<string> ReadChunkedBodyAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var text = Encoding.Latin1.GetString(_buffered.ToArray());
                var end = text.IndexOf("\r\n0\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0)
                {
                    _buffered.RemoveRange(0, end + 7);
                    return text[..end];
                }
                await FillAsync(cancellationToken);
            }
        }

        public async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
        {
            while (_buffered.Count < count)
            {
                await FillAsync(cancellationToken);
            }
            var bytes = _buffered.GetRange(0, count).ToArray();
            _buffered.RemoveRange(0, count);
            return bytes;
        }

        public async Task<string> ReadTextFrameAsync(CancellationToken cancellationToken)
        {
            var header = await ReadExactlyAsync(2, cancellationToken);
            Assert.Equal(0x81, header[0]);
            int length = header[1];
            if (length == 126)
            {
                length = BinaryPrimitives.ReadUInt16BigEndian(await ReadExactlyAsync(2, cancellationToken));
            }
            return Encoding.UTF8.GetString(await ReadExactlyAsync(length, cancellationToken));
        }

        private async Task FillAsync(CancellationToken cancellationToken)
        {
            var chunk = new byte[4096];
            var read = await stream.ReadAsync(chunk, cancellationToken);
            Assert.True(read > 0, "the server closed the connection");
            _buffered.AddRange(chunk.AsSpan(0, read).ToArray());
        }
    }
}
