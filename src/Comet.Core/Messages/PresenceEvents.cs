using System.Text.Json;
using Comet.Core.Engine;
using Comet.Core.Names;

namespace Comet.Core.Messages;

/// <summary>The messages presence changes cause (spec §2.3–2.4); every engine emits exactly these.</summary>
public static class PresenceEvents
{
    public const string Online = "online";
    public const string Offline = "offline";
    public const string Subscription = "subscription";
    public const string Unsubscription = "unsubscription";

    /// <summary><c>{"data":"online","event":"online","pipe":"user_status_&lt;id&gt;"}</c> (no time field).</summary>
    public static CometMessage UserOnline(long userId) => new(PipeNames.UserStatus(userId), Online, Online);

    /// <summary><c>{"data":"offline","event":"offline","pipe":"user_status_&lt;id&gt;"}</c> (no time field).</summary>
    public static CometMessage UserOffline(long userId) => new(PipeNames.UserStatus(userId), Offline, Offline);

    /// <summary>A connection joined a <c>track_</c> pipe: sent to the other members, not to the joiner.</summary>
    public static CometMessage Joined(string trackPipe, ClientRecord connection, long sendTime) =>
        new(trackPipe, Subscription, MemberJson(connection), DataIsJson: true, SendTime: sendTime,
            ExcludeConnectionId: connection.ConnectionId);

    /// <summary>A connection left a <c>track_</c> pipe: sent to the remaining members.</summary>
    public static CometMessage Left(string trackPipe, ClientRecord connection, long sendTime) =>
        new(trackPipe, Unsubscription, MemberJson(connection), DataIsJson: true, SendTime: sendTime,
            ExcludeConnectionId: connection.ConnectionId);

    /// <summary><c>{"user_id":U,"uuid":"…"}</c>: a member as track_ events and track_pipe_users show it.</summary>
    public static string MemberJson(ClientRecord connection)
    {
        using var buffer = new MemoryStream(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteMember(writer, connection);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Writes one member, <c>{"user_id":U,"uuid":"…"}</c>, into a JSON document being built.</summary>
    public static void WriteMember(Utf8JsonWriter writer, ClientRecord connection)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(connection);
        writer.WriteStartObject();
        writer.WriteNumber("user_id"u8, connection.UserId);
        writer.WriteString("uuid"u8, connection.Uuid);
        writer.WriteEndObject();
    }
}
