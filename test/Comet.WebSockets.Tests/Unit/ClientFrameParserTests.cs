using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Comet.WebSockets.Transport;

namespace Comet.WebSockets.Tests.Unit;

/// <summary>The server's reading of client frames (RFC 6455 §5), fed in arbitrary pieces.</summary>
public sealed class ClientFrameParserTests
{
    private static readonly byte[] Mask = [0x11, 0x22, 0x33, 0x44];

    /// <summary>A masked client frame.</summary>
    private static byte[] Frame(byte opcode, byte[] payload, bool fin = true, bool masked = true, byte rsv = 0)
    {
        var header = new List<byte> { (byte)((fin ? 0x80 : 0) | rsv | opcode) };
        var maskBit = masked ? 0x80 : 0;
        if (payload.Length < 126)
        {
            header.Add((byte)(maskBit | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            header.Add((byte)(maskBit | 126));
            header.Add((byte)(payload.Length >> 8));
            header.Add((byte)payload.Length);
        }
        else
        {
            header.Add((byte)(maskBit | 127));
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            header.AddRange(length);
        }
        if (!masked)
        {
            return [.. header, .. payload];
        }
        header.AddRange(Mask);
        return [.. header, .. payload.Select((b, i) => (byte)(b ^ Mask[i % 4]))];
    }

    private static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Feeds the bytes in pieces of <paramref name="piece"/> the way a pipe would (unconsumed
    /// bytes stay), and collects what the parser reports.</summary>
    private static List<(ParsedKind Kind, string Text)> Feed(ClientFrameParser parser, byte[] bytes, int piece)
    {
        var results = new List<(ParsedKind, string)>();
        var pending = new List<byte>();
        for (var offset = 0; offset < bytes.Length; offset += piece)
        {
            pending.AddRange(bytes.Skip(offset).Take(piece));
            while (true)
            {
                var buffer = new ReadOnlySequence<byte>(pending.ToArray());
                var kind = parser.Parse(ref buffer);
                pending = [.. buffer.ToArray()];
                if (kind == ParsedKind.NeedMore)
                {
                    break;
                }
                results.Add((kind, kind == ParsedKind.Message ? parser.TakeText() : ""));
                if (kind is ParsedKind.Close or ParsedKind.ProtocolError)
                {
                    return results;
                }
            }
        }
        return results;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(100_000)]
    public void Messages_split_anywhere_and_fragmented_are_reassembled_in_order(int piece)
    {
        var big = new string('é', 40_000);
        var bytes = Frame(WebSocketFrames.Text, Text("subscription\nweb_a"))
            .Concat(Frame(WebSocketFrames.Text, Text("pipe_"), fin: false))
            .Concat(Frame(WebSocketFrames.Ping, Text("are you there")))
            .Concat(Frame(WebSocketFrames.Continuation, Text("count\nweb_a"), fin: false))
            .Concat(Frame(WebSocketFrames.Continuation, Text("\nm1")))
            .Concat(Frame(WebSocketFrames.Text, Text(big)))
            .Concat(Frame(WebSocketFrames.Binary, Text("")))
            .ToArray();
        var parser = new ClientFrameParser(maxMessageSize: 100_000);

        var results = Feed(parser, bytes, piece);

        Assert.Equal(
            [(ParsedKind.Message, "subscription\nweb_a"), (ParsedKind.Message, "pipe_count\nweb_a\nm1"), (ParsedKind.Message, big), (ParsedKind.Message, "")],
            results);
        Assert.Equal("are you there", Encoding.UTF8.GetString(parser.PendingPong!));
    }

    [Fact]
    public void A_message_over_the_limit_is_reported_once_and_the_next_one_is_read()
    {
        var bytes = Frame(WebSocketFrames.Text, new byte[300], fin: false)
            .Concat(Frame(WebSocketFrames.Continuation, new byte[300]))
            .Concat(Frame(WebSocketFrames.Text, Text("after")))
            .ToArray();

        var results = Feed(new ClientFrameParser(maxMessageSize: 500), bytes, piece: 64);

        Assert.Equal([(ParsedKind.Oversized, ""), (ParsedKind.Message, "after")], results);
    }

    [Fact]
    public void A_close_frame_is_reported_with_what_came_before()
    {
        var close = new byte[] { 0x03, 0xE8 };
        var bytes = Frame(WebSocketFrames.Text, Text("a")).Concat(Frame(WebSocketFrames.Close, close)).ToArray();

        Assert.Equal([(ParsedKind.Message, "a"), (ParsedKind.Close, "")], Feed(new ClientFrameParser(1000), bytes, piece: 5));
    }

    public static TheoryData<byte[], string> Violations => new()
    {
        { Frame(WebSocketFrames.Text, Text("x"), masked: false), "masked" },
        { Frame(WebSocketFrames.Text, Text("x"), rsv: 0x40), "Reserved bits" },
        { Frame(0x3, Text("x")), "reserved opcode" },
        { Frame(WebSocketFrames.Continuation, Text("x")), "continuation" },
        { [.. Frame(WebSocketFrames.Text, Text("x"), fin: false), .. Frame(WebSocketFrames.Text, Text("y"))], "new message" },
        { Frame(WebSocketFrames.Ping, new byte[126]), "control frame" },
        { Frame(WebSocketFrames.Ping, Text("x"), fin: false), "control frame" },
        { Frame(WebSocketFrames.Close, [0x03]), "one-byte" },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public void Frames_that_break_the_protocol_are_reported_with_the_rule(byte[] bytes, string rule)
    {
        var parser = new ClientFrameParser(1000);

        var results = Feed(parser, bytes, piece: bytes.Length);

        Assert.Equal(ParsedKind.ProtocolError, results.Last().Kind);
        Assert.Contains(rule, parser.ProtocolErrorReason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_accept_key_is_the_one_of_RFC_6455()
    {
        // RFC 6455 §1.3's example.
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketFrames.AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="));
        Assert.True(WebSocketFrames.IsValidKey("dGhlIHNhbXBsZSBub25jZQ=="));
        Assert.False(WebSocketFrames.IsValidKey("c2hvcnQ="));
    }
}
