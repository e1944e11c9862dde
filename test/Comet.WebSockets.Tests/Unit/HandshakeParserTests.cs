using System.Buffers;
using System.Text;
using Comet.WebSockets.Transport;

namespace Comet.WebSockets.Tests.Unit;

/// <summary>Which first requests the direct path takes, and which it leaves to the HTTP stack.</summary>
public sealed class HandshakeParserTests
{
    private const string Upgrade =
        "GET /comet-server/ws/sesion=&myid=0&devid=7&v=4.0.0&uuid=u HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n" +
        "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
        "Sec-WebSocket-Protocol: chat, superchat\r\nOrigin: https://site.example\r\nUser-Agent: UA/1\r\n" +
        "X-Forwarded-For: 10.0.0.1\r\nX-Forwarded-For: 10.0.0.2\r\n\r\n";

    private static HandshakeParser.Verdict Parse(string text, out HandshakeParser.Request? request, out long consumed, int max = 40_000)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(text));
        var verdict = HandshakeParser.Parse(buffer, maxRequestLine: 100, max, out request, out var end);
        consumed = buffer.Slice(0, end).Length;
        return verdict;
    }

    [Fact]
    public void A_websocket_upgrade_to_a_connect_route_is_taken_with_its_headers()
    {
        var verdict = Parse(Upgrade + "\x81\x80", out var request, out var consumed);

        Assert.Equal(HandshakeParser.Verdict.Upgrade, verdict);
        Assert.Equal(Upgrade.Length, consumed);
        Assert.Equal("sesion=&myid=0&devid=7&v=4.0.0&uuid=u", request!.UrlPart);
        Assert.Equal("https://site.example", request.Origin);
        Assert.Equal("UA/1", request.UserAgent);
        Assert.Equal("10.0.0.1, 10.0.0.2", request.ForwardedFor);
        Assert.True(request.OffersChat);
    }

    [Fact]
    public void An_unfinished_head_asks_for_more_until_it_is_too_long()
    {
        var partial = Upgrade[..60];

        Assert.Equal(HandshakeParser.Verdict.NeedMore, Parse("G", out _, out _));
        Assert.Equal(HandshakeParser.Verdict.NeedMore, Parse(partial, out _, out _));
        Assert.Equal(HandshakeParser.Verdict.NotOurs, Parse(partial, out _, out _, max: 50));
    }

    [Theory]
    [InlineData("GET /info HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("POST /comet-server/ws/ HTTP/1.1\r\n")]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")]
    [InlineData("GET /ws/ HTTP/1.0\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")]
    [InlineData("GET /ws/ HTTP/1.1\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")]
    [InlineData("GET /ws/ HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")]
    [InlineData("GET /ws/ HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: short\r\n\r\n")]
    [InlineData("GET /ws/ HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nContent-Length: 5\r\n\r\n")]
    [InlineData("GET /ws/ HTTP/1.1\r\nbroken header line\r\n\r\n")]
    [InlineData("GET /ws/a-request-line-longer-than-the-limit-of-one-hundred-characters-goes-to-the-HTTP-stack-for-its-414 HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")]
    public void Everything_else_is_left_to_the_HTTP_stack(string head)
    {
        Assert.Equal(HandshakeParser.Verdict.NotOurs, Parse(head, out var request, out var consumed));
        Assert.Null(request);
        Assert.Equal(0, consumed);
    }
}
