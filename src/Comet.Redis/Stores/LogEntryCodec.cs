using System.Buffers;
using System.Security.Cryptography;
using Comet.Core.Messages;
using Comet.Redis.Wire;

namespace Comet.Redis.Stores;

/// <summary>
/// A pipe log entry in Redis: <c>ns(id) ns(time) ns(event) ns(message) ns(user id) ns(logged at)</c>; the
/// time is what readers see (the message's send time), the logged-at time (the engine's clock) is what
/// trust_ expiry uses. An entry id is
/// <c>&lt;pipe&gt;:&lt;16 hex&gt;</c>, so deleting by id finds the pipe's log (one hash slot) without an index.
/// </summary>
internal static class LogEntryCodec
{
    public static string NewId(string pipe) => pipe + ":" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>The pipe an entry id belongs to, or null for an id this engine did not make.</summary>
    public static string? PipeOf(string id)
    {
        var colon = id.LastIndexOf(':');
        return colon > 0 && id.Length - colon - 1 == 16 ? id[..colon] : null;
    }

    public static byte[] Encode(string id, long time, string @event, string message, long userId, long loggedAt)
    {
        var writer = new ArrayBufferWriter<byte>(48 + message.Length);
        Netstring.Write(writer, id);
        Netstring.Write(writer, time);
        Netstring.Write(writer, @event);
        Netstring.Write(writer, message);
        Netstring.Write(writer, userId);
        Netstring.Write(writer, loggedAt);
        return writer.WrittenSpan.ToArray();
    }

    public static LogEntry Decode(string pipe, ReadOnlySpan<byte> value) => Decode(pipe, value, out _);

    public static LogEntry Decode(string pipe, ReadOnlySpan<byte> value, out long loggedAt)
    {
        var id = Netstring.ReadString(ref value);
        var time = Netstring.ReadNumber(ref value) ?? 0;
        var @event = Netstring.ReadString(ref value);
        var message = Netstring.ReadString(ref value);
        var userId = Netstring.ReadNumber(ref value) ?? 0;
        loggedAt = Netstring.ReadNumber(ref value) ?? time;
        return new LogEntry(id, time, pipe, @event, message, userId);
    }
}
