using Comet.Core.Messages;
using Comet.Core.Names;
using Comet.WebSockets.Protocol;
using Comet.WebSockets.Session;

namespace Comet.WebSockets.Commands;

/// <summary><c>track_pipe_users\n&lt;track_pipe&gt;\n&lt;marker&gt;</c>: the members of a track_ pipe, cluster-wide.</summary>
internal static class TrackPipeUsersCommand
{
    public const string InvalidPrefix = "[track_pipe_users] Invalid channel name. The channel should start with track_";

    public static async Task ExecuteAsync(ClientSession session, string args)
    {
        var rest = args;
        var pipe = CommandArguments.NextLine(ref rest);
        if (!PipeNames.IsTracked(pipe) || CommandArguments.CheckName(pipe) is not null)
        {
            session.SendError(InvalidPrefix, numberMessages: true);
            return;
        }
        var marker = CommandArguments.NextLine(ref rest);
        if (CommandArguments.CheckName(marker, CommandArguments.MaxMarkerLength) is not null)
        {
            session.SendError("Invalid marker value.", numberMessages: true);
            return;
        }

        var members = await session.Node.GetSubscribersAsync(session.DevId, pipe);
        var data = ServerMessages.Json(writer =>
        {
            writer.WriteStartArray();
            foreach (var member in members)
            {
                PresenceEvents.WriteMember(writer, member);
            }
            writer.WriteEndArray();
        });
        session.Send(ServerMessages.Answer(
            new CometMessage(PipeNames.AnswerPrefix, "answer", data, DataIsJson: true, SendTime: session.Now),
            session.Compat, marker, info: "answer for track_pipe_users"));
    }
}
