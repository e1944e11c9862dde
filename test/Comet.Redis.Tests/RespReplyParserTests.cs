using System.Text;
using Comet.Redis.Client;
using Comet.Redis.Client.Direct;

namespace Comet.Redis.Tests;

/// <summary>The direct connections' reply parser: every RESP2 reply a script can return, split anywhere.</summary>
public sealed class RespReplyParserTests
{
    private const string Mixed = "*4\r\n:42\r\n$5\r\nhello\r\n$-1\r\n*2\r\n+OK\r\n$0\r\n\r\n";

    [Fact]
    public void An_array_of_every_kind_reads_as_the_library_would_return_it()
    {
        Assert.True(RespReplyParser.TryParse(Bytes(Mixed), out var reply, out var consumed));
        Assert.Equal(Mixed.Length, consumed);
        Assert.Null(reply.Error);
        var view = new RedisReply(reply.Value);
        Assert.Equal(4, view.Length);
        Assert.Equal(42, view[0].AsLong());
        Assert.Equal("hello", view[1].AsString());
        Assert.True(view[2].IsNull);
        Assert.Equal(2, view[3].Length);
        Assert.Equal("OK", view[3][0].AsString());
        Assert.Equal("", view[3][1].AsString());
    }

    [Fact]
    public void A_reply_cut_anywhere_is_incomplete_until_its_last_byte_arrived()
    {
        var bytes = Bytes(Mixed);
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            Assert.False(RespReplyParser.TryParse(bytes.AsSpan(0, cut), out _, out _), $"complete after {cut} bytes");
        }
    }

    [Fact]
    public void Replies_back_to_back_are_read_one_at_a_time()
    {
        var bytes = Bytes(":1\r\n-NOSCRIPT No matching script\r\n$3\r\nabc\r\n");
        Assert.True(RespReplyParser.TryParse(bytes, out var first, out var used));
        Assert.Equal(1, new RedisReply(first.Value).AsLong());
        Assert.True(RespReplyParser.TryParse(bytes.AsSpan(used), out var second, out var used2));
        Assert.Equal("NOSCRIPT No matching script", second.Error);
        Assert.True(RespReplyParser.TryParse(bytes.AsSpan(used + used2), out var third, out var used3));
        Assert.Equal("abc", new RedisReply(third.Value).AsString());
        Assert.Equal(bytes.Length, used + used2 + used3);
    }

    [Fact]
    public void Binary_bulk_strings_keep_every_byte()
    {
        byte[] payload = [0, 13, 10, 255, 36];
        var bytes = Bytes("$5\r\n").Concat(payload).Concat(Bytes("\r\n")).ToArray();
        Assert.True(RespReplyParser.TryParse(bytes, out var reply, out _));
        Assert.Equal(payload, new RedisReply(reply.Value).AsBytes());
    }

    [Theory]
    [InlineData("?what\r\n")]
    [InlineData(":12x\r\n")]
    [InlineData("$3\r\nabcd\r\n")]
    [InlineData(":1\n")]
    [InlineData("*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n")]
    public void A_stream_that_is_not_RESP2_is_refused(string text) =>
        Assert.Throws<RespProtocolException>(() => RespReplyParser.TryParse(Bytes(text), out _, out _));

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
