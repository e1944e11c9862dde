using System.Buffers;
using System.Globalization;
using Comet.Core.Messages;

namespace Comet.Redis.Wire;

/// <summary>
/// A personal message in a user's queue zset: <c>ns(seq) ns(time) ns(event) ns(message)</c>; the seq
/// (per user, from 1) is also the score, and its text is the message's id.
/// </summary>
internal static class QueueEntryCodec
{
    /// <summary>The part the send script puts after <c>ns(seq)</c>.</summary>
    public static byte[] EncodeBody(long time, string @event, string message)
    {
        var writer = new ArrayBufferWriter<byte>(32 + message.Length);
        Netstring.Write(writer, time);
        Netstring.Write(writer, @event);
        Netstring.Write(writer, message);
        return writer.WrittenSpan.ToArray();
    }

    public static (long Seq, QueuedMessage Message) Decode(ReadOnlySpan<byte> value)
    {
        var seq = Netstring.ReadNumber(ref value) ?? 0;
        var time = Netstring.ReadNumber(ref value) ?? 0;
        var @event = Netstring.ReadString(ref value);
        var message = Netstring.ReadString(ref value);
        return (seq, new QueuedMessage(seq.ToString(CultureInfo.InvariantCulture), @event, message, time));
    }
}
