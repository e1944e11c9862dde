using System.Buffers;
using Comet.Core.Engine;
using Comet.Core.Messages;

namespace Comet.Redis.Wire;

/// <summary>
/// A connection in a pipe's subscriber hash (field = connection id): <c>ns(node) ns(user id) ns(uuid)
/// ns(user agent) ns(ip) ns(origin) ns(language) ns(member JSON)</c>. The node lets a reaper find a dead
/// node's entries; the member JSON lets it announce them on track_ pipes.
/// </summary>
internal static class SubscriberRecord
{
    public static byte[] Encode(string node, ClientRecord connection)
    {
        var writer = new ArrayBufferWriter<byte>(128);
        Netstring.Write(writer, node);
        Netstring.Write(writer, connection.UserId);
        Netstring.Write(writer, connection.Uuid);
        Netstring.Write(writer, connection.UserAgent);
        Netstring.Write(writer, connection.Ip);
        Netstring.Write(writer, connection.Origin);
        Netstring.Write(writer, connection.Language);
        Netstring.Write(writer, PresenceEvents.MemberJson(connection));
        return writer.WrittenSpan.ToArray();
    }

    public static ClientRecord Decode(int devId, string connectionId, ReadOnlySpan<byte> value)
    {
        Netstring.TryRead(ref value, out _);
        var userId = Netstring.ReadNumber(ref value) ?? 0;
        var uuid = Netstring.ReadString(ref value);
        var userAgent = Netstring.ReadString(ref value);
        var ip = Netstring.ReadString(ref value);
        var origin = Netstring.ReadString(ref value);
        var language = Netstring.ReadString(ref value);
        return new ClientRecord(devId, connectionId, userId, uuid, userAgent, ip, origin, language);
    }
}
