using System.Globalization;
using StackExchange.Redis;

namespace Comet.Redis.Client;

/// <summary>
/// One argument of a script or command: text, an integer or raw bytes. The engine builds these; only
/// the client turns them into the library's value type, so nothing outside this folder depends on it.
/// </summary>
internal readonly struct RedisArg
{
    private readonly object? _reference;
    private readonly long _integer;

    private RedisArg(object? reference, long integer)
    {
        _reference = reference;
        _integer = integer;
    }

    public static RedisArg Empty { get; } = new("", 0);

    public static implicit operator RedisArg(string value) => new(value, 0);

    public static implicit operator RedisArg(byte[] value) => new(value, 0);

    public static implicit operator RedisArg(long value) => new(null, value);

    public static implicit operator RedisArg(int value) => new(null, value);

    internal RedisValue ToValue() => _reference switch
    {
        string text => text,
        byte[] bytes => bytes,
        _ => _integer,
    };

    /// <summary>Writes the argument as one bulk string of a command.</summary>
    internal void WriteTo(Direct.RespWriter writer)
    {
        switch (_reference)
        {
            case string text:
                writer.Bulk(text);
                break;
            case byte[] bytes:
                writer.Bulk(bytes);
                break;
            default:
                writer.Bulk(_integer);
                break;
        }
    }

    public override string ToString() => _reference switch
    {
        string text => text,
        byte[] bytes => $"<{bytes.Length} bytes>",
        _ => _integer.ToString(CultureInfo.InvariantCulture),
    };
}
