using System.Globalization;
using Comet.Core.Messages;
using Comet.WebSockets.Protocol;
using Comet.WebSockets.Session;

namespace Comet.WebSockets.Commands;

/// <summary><c>user_status\n&lt;uid&gt;</c>: seconds since the user was last seen, CppComet's way (now − users_time).</summary>
internal static class UserStatusCommand
{
    public static async Task ExecuteAsync(ClientSession session, string args)
    {
        var rest = args;
        var text = CommandArguments.NextLine(ref rest).Trim();
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var userId))
        {
            session.SendError("Invalid user id.");
            return;
        }
        var times = await session.Node.GetUserTimesAsync(session.DevId, [userId]);
        var time = times.Count > 0 ? times[0].Time : -1;
        var now = session.Now;
        var elapsed = now - time;
        var data = ServerMessages.Json(writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("data"u8, elapsed);
            writer.WriteNumber("last_online_time"u8, elapsed);
            writer.WriteEndObject();
        });
        session.Send(ServerMessages.Answer(
            new CometMessage("_answer_user_status", "user_status_" + userId.ToString(CultureInfo.InvariantCulture), data, DataIsJson: true, SendTime: now),
            session.Compat));
    }
}
