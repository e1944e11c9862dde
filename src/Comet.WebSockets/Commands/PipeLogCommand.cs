using Comet.Core.Names;
using Comet.WebSockets.Protocol;
using Comet.WebSockets.Session;

namespace Comet.WebSockets.Commands;

/// <summary><c>pipe_log\n&lt;pipe&gt;\n&lt;marker&gt;</c>: replays the pipe's log, oldest first, to this connection only.</summary>
internal static class PipeLogCommand
{
    public static async Task ExecuteAsync(ClientSession session, string args)
    {
        var rest = args;
        var pipe = CommandArguments.NextLine(ref rest);
        if (pipe.Length == 0 || CommandArguments.CheckName(pipe) is not null)
        {
            session.SendError("Invalid channel name.", numberMessages: true);
            return;
        }
        var marker = CommandArguments.NextLine(ref rest);
        if (CommandArguments.CheckName(marker, CommandArguments.MaxMarkerLength) is not null)
        {
            session.SendError("Invalid marker value.", numberMessages: true);
            return;
        }
        if (pipe.StartsWith(PipeNames.PrivatePrefix, StringComparison.Ordinal) && !session.IsAuthorized)
        {
            session.SendError($"Channel {pipe}: channels like private_* need an authorised user.", numberMessages: true);
            return;
        }
        if (!await session.Services.PrivateChannels.IsAllowedAsync(session, pipe))
        {
            session.SendError($"Channel {pipe}: the backend did not allow reading this channel.", numberMessages: true);
            return;
        }

        var entries = await session.Node.Pipes.GetLogAsync(session.DevId, pipe, session.Services.Limits.MaxPipeLogLength);
        foreach (var entry in entries)
        {
            session.Send(ServerMessages.Answer(entry.ToReplay(), session.Compat));
        }
    }
}
