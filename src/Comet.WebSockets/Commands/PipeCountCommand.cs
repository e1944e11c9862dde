using Comet.Core.Messages;
using Comet.Core.Names;
using Comet.WebSockets.Protocol;
using Comet.WebSockets.Session;

namespace Comet.WebSockets.Commands;

/// <summary><c>pipe_count\n&lt;pipe&gt;\n&lt;marker&gt;</c>: the cluster-wide subscriber count of a web_ or track_ pipe.</summary>
internal static class PipeCountCommand
{
    public const string InvalidPrefix = "[pipe_count] Invalid channel name. The channel should start with web_";

    public static async Task ExecuteAsync(ClientSession session, string args)
    {
        var rest = args;
        var pipe = CommandArguments.NextLine(ref rest);
        if (CommandArguments.CheckName(pipe) is { } nameError)
        {
            session.SendError(nameError, numberMessages: true);
            return;
        }
        var marker = CommandArguments.NextLine(ref rest);
        if (CommandArguments.CheckName(marker, CommandArguments.MaxMarkerLength) is not null)
        {
            session.SendError("Invalid marker value.", numberMessages: true);
            return;
        }
        if (!pipe.StartsWith(PipeNames.WebPrefix, StringComparison.Ordinal) && !PipeNames.IsTracked(pipe))
        {
            session.SendError(InvalidPrefix, numberMessages: true);
            return;
        }

        var counts = await session.Node.CountSubscribersAsync(session.DevId, [pipe]);
        var count = counts.Count > 0 ? counts[0].Count : 0;
        // CppComet's nlohmann code produced an array here, not the object its docs describe.
        var data = ServerMessages.Json(writer =>
        {
            writer.WriteStartArray();
            writer.WriteStringValue("user_in_pipe");
            writer.WriteNumberValue(count);
            writer.WriteEndArray();
        });
        session.Send(ServerMessages.Answer(
            new CometMessage("_answer_pipe_count", "user_in_pipe", data, DataIsJson: true, SendTime: session.Now), session.Compat, marker));
    }
}
