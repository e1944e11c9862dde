using System.Buffers.Text;
using System.Text;
using StackExchange.Redis;

namespace Comet.Redis.Client.Direct;

/// <summary>One parsed reply: a value, or the error text Redis answered with.</summary>
internal readonly record struct RespReply(RedisResult Value, string? Error);

/// <summary>
/// Parses RESP2 replies (the protocol a connection speaks until it sends HELLO) into the library's
/// result type, so that a reply reads the same whichever connection carried it.
/// </summary>
internal static class RespReplyParser
{
    // Scripts return flat arrays or arrays of arrays; anything deeper is a broken stream.
    private const int MaxDepth = 8;

    private static readonly RedisResult Null = RedisResult.Create(RedisValue.Null, ResultType.BulkString);

    /// <summary>Parses the first reply of <paramref name="buffer"/>; false when it is not complete yet.</summary>
    /// <exception cref="RespProtocolException">The bytes are not RESP2.</exception>
    public static bool TryParse(ReadOnlySpan<byte> buffer, out RespReply reply, out int consumed)
    {
        consumed = 0;
        reply = default;
        if (buffer.IsEmpty)
        {
            return false;
        }
        if (buffer[0] == (byte)'-')
        {
            if (!TryReadLine(buffer, 0, out var line, out var next))
            {
                return false;
            }
            reply = new RespReply(Null, Encoding.UTF8.GetString(line[1..]));
            consumed = next;
            return true;
        }
        var position = 0;
        if (!TryParseAt(buffer, ref position, 0, out var value))
        {
            return false;
        }
        reply = new RespReply(value, null);
        consumed = position;
        return true;
    }

    private static bool TryParseAt(ReadOnlySpan<byte> buffer, ref int position, int depth, out RedisResult value)
    {
        value = Null;
        if (!TryReadLine(buffer, position, out var line, out var next))
        {
            return false;
        }
        var body = line[1..];
        switch (line[0])
        {
            case (byte)'+':
                value = RedisResult.Create(Encoding.UTF8.GetString(body), ResultType.SimpleString);
                break;
            case (byte)'-':
                value = RedisResult.Create(Encoding.UTF8.GetString(body), ResultType.Error);
                break;
            case (byte)':':
                value = RedisResult.Create(Integer(body), ResultType.Integer);
                break;
            case (byte)'$':
                var length = Integer(body);
                if (length < 0)
                {
                    value = Null;
                    break;
                }
                if (length > int.MaxValue - 2 || buffer.Length - next < length + 2)
                {
                    return false;
                }
                var end = next + (int)length;
                if (buffer[end] != (byte)'\r' || buffer[end + 1] != (byte)'\n')
                {
                    throw new RespProtocolException("A bulk string does not end with CRLF.");
                }
                value = RedisResult.Create(buffer[next..end].ToArray(), ResultType.BulkString);
                next = end + 2;
                break;
            case (byte)'*':
                var count = Integer(body);
                if (count < 0)
                {
                    value = Null;
                    break;
                }
                if (depth >= MaxDepth)
                {
                    throw new RespProtocolException("Arrays nest deeper than " + MaxDepth + ".");
                }
                // Each item takes at least 3 bytes: a count beyond what arrived cannot be complete yet.
                if (count > (buffer.Length - next) / 3 + 1)
                {
                    return false;
                }
                var items = new RedisResult[count];
                for (var i = 0; i < items.Length; i++)
                {
                    if (!TryParseAt(buffer, ref next, depth + 1, out items[i]))
                    {
                        return false;
                    }
                }
                value = RedisResult.Create(items, ResultType.Array);
                break;
            default:
                throw new RespProtocolException($"Unexpected reply type byte 0x{line[0]:x2}.");
        }
        position = next;
        return true;
    }

    private static bool TryReadLine(ReadOnlySpan<byte> buffer, int start, out ReadOnlySpan<byte> line, out int next)
    {
        var end = buffer[start..].IndexOf((byte)'\n');
        if (end < 0)
        {
            line = default;
            next = 0;
            return false;
        }
        end += start;
        if (end - start < 2 || buffer[end - 1] != (byte)'\r')
        {
            throw new RespProtocolException("A reply line does not end with CRLF.");
        }
        line = buffer[start..(end - 1)];
        next = end + 1;
        return true;
    }

    private static long Integer(ReadOnlySpan<byte> digits) =>
        Utf8Parser.TryParse(digits, out long value, out var used) && used == digits.Length
            ? value
            : throw new RespProtocolException("A reply holds a malformed integer.");
}

/// <summary>What Redis sent is not RESP2: the connection cannot be trusted any more.</summary>
internal sealed class RespProtocolException(string message) : Exception(message);
