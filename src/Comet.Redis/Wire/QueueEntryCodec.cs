using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using Comet.Core.Messages;

namespace Comet.Redis.Wire;

/// <summary>
/// A personal message in a user's queue zset: <c>ns(seq) ns(time) ns(event) ns(message) ns(unique id)</c>;
/// the seq (per user, from 1) is also the score, and its text is the message's id in users_messages. The
/// unique id (random, drawn by the sending gateway) tells a message taken twice from a message that got
/// the same seq after a failover lost the first one. Entries written before it existed have none.
/// </summary>
internal static class QueueEntryCodec
{
    /// <summary>The part the send script puts after <c>ns(seq)</c>.</summary>
    public static byte[] EncodeBody(long time, string @event, string message)
    {
        var writer = new ArrayBufferWriter<byte>(48 + message.Length);
        Netstring.Write(writer, time);
        Netstring.Write(writer, @event);
        Netstring.Write(writer, message);
        Netstring.Write(writer, BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8)) & long.MaxValue);
        return writer.WrittenSpan.ToArray();
    }

    public static QueueEntry Decode(ReadOnlySpan<byte> value)
    {
        var seq = Netstring.ReadNumber(ref value) ?? 0;
        var time = Netstring.ReadNumber(ref value) ?? 0;
        var @event = Netstring.ReadString(ref value);
        var message = Netstring.ReadString(ref value);
        var uniqueId = Netstring.ReadNumber(ref value) ?? 0;
        return new QueueEntry(seq, uniqueId, new QueuedMessage(seq.ToString(CultureInfo.InvariantCulture), @event, message, time, seq));
    }
}

/// <summary>A decoded queue entry.</summary>
internal readonly record struct QueueEntry(long Seq, long UniqueId, QueuedMessage Message);
