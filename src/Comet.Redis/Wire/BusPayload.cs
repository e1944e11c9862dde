using System.Buffers;
using Comet.Core.Messages;

namespace Comet.Redis.Wire;

/// <summary>
/// What nodes say to each other over pub/sub, in <see cref="Netstring"/> fields (not WebSocket JSON).
/// A pipe message: <c>m, origin node, event, data, flags, user id, send time, excluded connection,
/// published at (unix ms), unique id</c> (the pipe is the channel; the origin node already delivered it
/// locally and skips it, an empty origin means every node delivers it; the publish time lets receivers
/// drop a message that a hung master ran long after its sender gave up on it; the unique id lets them
/// drop a message that reached them twice). A wake-up for a user's personal messages: <c>u, dev_id, user id</c>. A request to
/// close a user's connections: <c>c, dev_id, user id, has credential, credential</c>.
/// </summary>
internal static class BusPayload
{
    public const byte PipeMessageKind = (byte)'m';
    public const byte UserWakeUpKind = (byte)'u';
    public const byte CloseUserKind = (byte)'c';

    public static byte[] PipeMessage(CometMessage message, string origin, long publishedAtMs = 0)
    {
        // Random, not a counter: unique across nodes and restarts without coordination.
        var uniqueId = Random.Shared.NextInt64(1, long.MaxValue);
        var writer = new ArrayBufferWriter<byte>(64 + message.Data.Length);
        Netstring.Write(writer, "m");
        Netstring.Write(writer, origin);
        Netstring.Write(writer, message.Event);
        Netstring.Write(writer, message.Data);
        Netstring.Write(writer, (message.DataIsJson ? "j" : "") + (message.FromQueue ? "q" : ""));
        Netstring.Write(writer, message.UserId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "");
        Netstring.Write(writer, message.SendTime?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "");
        Netstring.Write(writer, message.ExcludeConnectionId ?? "");
        Netstring.Write(writer, publishedAtMs);
        Netstring.Write(writer, uniqueId);
        return writer.WrittenSpan.ToArray();
    }

    public static byte[] UserWakeUp(int devId, long userId)
    {
        var writer = new ArrayBufferWriter<byte>(32);
        Netstring.Write(writer, "u");
        Netstring.Write(writer, devId);
        Netstring.Write(writer, userId);
        return writer.WrittenSpan.ToArray();
    }

    public static byte[] CloseUser(int devId, long userId, string? credential)
    {
        var writer = new ArrayBufferWriter<byte>(64);
        Netstring.Write(writer, "c");
        Netstring.Write(writer, devId);
        Netstring.Write(writer, userId);
        Netstring.Write(writer, credential is null ? "0" : "1");
        Netstring.Write(writer, credential ?? "");
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>The kind of a payload, or 0 when it is malformed.</summary>
    public static byte KindOf(ReadOnlySpan<byte> payload) =>
        Netstring.TryRead(ref payload, out var kind) && kind.Length == 1 ? kind[0] : (byte)0;

    /// <summary>Reads a pipe message unless it is malformed or <paramref name="self"/> sent it;
    /// <paramref name="publishedAtMs"/> and <paramref name="uniqueId"/> are 0 when the sender did not say
    /// (reaper events, older nodes).</summary>
    public static CometMessage? ReadPipeMessage(string pipe, ReadOnlySpan<byte> payload, string self, out long publishedAtMs, out long uniqueId)
    {
        publishedAtMs = 0;
        uniqueId = 0;
        if (KindOf(payload) != PipeMessageKind)
        {
            return null;
        }
        Netstring.TryRead(ref payload, out _);
        if (!Netstring.TryRead(ref payload, out var origin) || (origin.Length > 0 && System.Text.Encoding.UTF8.GetString(origin) == self))
        {
            return null;
        }
        var @event = Netstring.ReadString(ref payload);
        var data = Netstring.ReadString(ref payload);
        Netstring.TryRead(ref payload, out var flags);
        var userId = Netstring.ReadNumber(ref payload);
        var sendTime = Netstring.ReadNumber(ref payload);
        var exclude = Netstring.ReadString(ref payload);
        publishedAtMs = Netstring.ReadNumber(ref payload) ?? 0;
        uniqueId = Netstring.ReadNumber(ref payload) ?? 0;
        return new CometMessage(
            pipe, @event, data,
            DataIsJson: flags.Contains((byte)'j'),
            UserId: userId,
            SendTime: sendTime,
            FromQueue: flags.Contains((byte)'q'),
            ExcludeConnectionId: exclude.Length == 0 ? null : exclude);
    }

    public static bool TryReadUserWakeUp(ReadOnlySpan<byte> payload, out int devId, out long userId)
    {
        devId = 0;
        userId = 0;
        if (KindOf(payload) != UserWakeUpKind)
        {
            return false;
        }
        Netstring.TryRead(ref payload, out _);
        var dev = Netstring.ReadNumber(ref payload);
        var user = Netstring.ReadNumber(ref payload);
        if (dev is null || user is null)
        {
            return false;
        }
        devId = (int)dev.Value;
        userId = user.Value;
        return true;
    }

    public static bool TryReadCloseUser(ReadOnlySpan<byte> payload, out int devId, out long userId, out string? credential)
    {
        devId = 0;
        userId = 0;
        credential = null;
        if (KindOf(payload) != CloseUserKind)
        {
            return false;
        }
        Netstring.TryRead(ref payload, out _);
        var dev = Netstring.ReadNumber(ref payload);
        var user = Netstring.ReadNumber(ref payload);
        var hasCredential = Netstring.ReadString(ref payload) == "1";
        var value = Netstring.ReadString(ref payload);
        if (dev is null || user is null)
        {
            return false;
        }
        devId = (int)dev.Value;
        userId = user.Value;
        credential = hasCredential ? value : null;
        return true;
    }
}
