using Comet.Core.Messages;
using Comet.Core.Names;
using Comet.WebSockets.Protocol;
using Comet.WebSockets.Session;

namespace Comet.WebSockets.Commands;

/// <summary>
/// <c>web_pipe2\n&lt;pipe&gt;\n&lt;event&gt;\n*\n&lt;message&gt;</c>: a browser publishes to a <c>web_</c>,
/// <c>webauth_</c> or <c>@web_</c> pipe. Everyone subscribed gets it except the sender, who gets the
/// <c>_answer_to_&lt;pipe&gt;</c> report.
/// </summary>
internal static class WebPipeCommand
{
    public const string InvalidPrefix = "[pipe_msg2] Invalid channel name. The channel should begin with web_";
    public const string AnonymousWebAuth =
        "[webauth_pipe_msg2] Invalid user auth. In to channel with name like webauth_* can not send messages anonim users";

    public static async Task ExecuteAsync(ClientSession session, string args)
    {
        var rest = args;
        var pipe = CommandArguments.NextLine(ref rest);
        var senderId = session.UserId;
        if (pipe.StartsWith(PipeNames.AnonymousWebPrefix, StringComparison.Ordinal))
        {
            senderId = 0;
            pipe = pipe[1..];
        }
        else if (pipe.StartsWith(PipeNames.WebAuthPrefix, StringComparison.Ordinal))
        {
            if (!session.IsAuthorized)
            {
                session.SendError(AnonymousWebAuth, numberMessages: true);
                return;
            }
        }
        else if (!pipe.StartsWith(PipeNames.WebPrefix, StringComparison.Ordinal))
        {
            session.SendError(InvalidPrefix, numberMessages: true);
            return;
        }
        if (CommandArguments.CheckName(pipe) is { } nameError)
        {
            session.SendError(nameError, numberMessages: true);
            return;
        }
        var eventName = CommandArguments.NextLine(ref rest);
        if (CommandArguments.CheckEvent(eventName) is { } eventError)
        {
            session.SendError(eventError, numberMessages: true);
            return;
        }
        var authType = CommandArguments.NextLine(ref rest);
        if (authType.Length != 1)
        {
            session.SendError("Invalid value auth_type", numberMessages: true);
            return;
        }
        var message = rest;

        var now = session.Now;
        var subscribers = await session.Node.PublishAsync(session.DevId,
            new CometMessage(pipe, eventName, message, UserId: senderId, SendTime: now, ExcludeConnectionId: session.Info.ConnectionId));
        if (session.Client.Pipes.Contains(pipe))
        {
            subscribers--;
        }

        var data = ServerMessages.Json(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("message"u8, message);
            writer.WriteNumber("number_messages"u8, Math.Max(0, subscribers));
            writer.WriteEndObject();
        });
        session.Send(ServerMessages.Answer(
            new CometMessage(PipeNames.AnswerPrefix + "_to_" + pipe, "answer", data, DataIsJson: true, SendTime: now), session.Compat));
    }
}
