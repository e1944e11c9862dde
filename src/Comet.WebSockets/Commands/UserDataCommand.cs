using System.Globalization;
using Comet.Core.Messages;
using Comet.Core.Names;
using Comet.WebSockets.Protocol;
using Comet.WebSockets.Session;

namespace Comet.WebSockets.Commands;

/// <summary><c>user_data\n&lt;marker&gt;\n&lt;uid&gt;</c>: the user's users_data text ("" when none).</summary>
internal static class UserDataCommand
{
    public static async Task ExecuteAsync(ClientSession session, string args)
    {
        var rest = args;
        var marker = CommandArguments.NextLine(ref rest);
        if (CommandArguments.CheckName(marker, CommandArguments.MaxMarkerLength) is not null)
        {
            session.SendError("Invalid marker name.");
            return;
        }
        var text = CommandArguments.NextLine(ref rest).Trim();
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var userId))
        {
            session.SendError("Invalid user id.");
            return;
        }

        var values = await session.Node.Users.GetDataAsync(session.DevId, [userId]);
        var userData = values.Count > 0 ? values[0].Value : "";
        var data = ServerMessages.Json(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("user_data"u8, userData);
            writer.WriteNumber("user_id"u8, userId);
            writer.WriteEndObject();
        });
        session.Send(ServerMessages.Answer(
            new CometMessage(PipeNames.AnswerPrefix, "answer", data, DataIsJson: true, SendTime: session.Now), session.Compat, marker));
    }
}
