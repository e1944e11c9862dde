using Comet.Core.Engine;
using Comet.WebSockets.Session;
using Microsoft.Extensions.Logging;

namespace Comet.WebSockets.Commands;

/// <summary>
/// Routes a client message (<c>command\nargs…</c>, spec §2.3) to its handler. An unknown or failing
/// command gets a sys error and the connection stays open (CppComet closed it).
/// </summary>
internal static partial class CommandDispatcher
{
    public static async Task DispatchAsync(ClientSession session, string text)
    {
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        var name = newline < 0 ? text : text[..newline];
        var args = newline < 0 ? "" : text[(newline + 1)..];
        try
        {
            switch (name.TrimEnd('\r'))
            {
                case "subscription":
                    await SubscriptionCommand.ExecuteAsync(session, args);
                    break;
                case "user_status":
                    await UserStatusCommand.ExecuteAsync(session, args);
                    break;
                case "pipe_count":
                    await PipeCountCommand.ExecuteAsync(session, args);
                    break;
                case "web_pipe2":
                    await WebPipeCommand.ExecuteAsync(session, args);
                    break;
                case "pipe_log":
                    await PipeLogCommand.ExecuteAsync(session, args);
                    break;
                case "track_pipe_users":
                    await TrackPipeUsersCommand.ExecuteAsync(session, args);
                    break;
                case "user_data":
                    await UserDataCommand.ExecuteAsync(session, args);
                    break;
                case AckCommand.Name:
                    await AckCommand.ExecuteAsync(session, args);
                    break;
                case RefreshTokenCommand.Name:
                    await RefreshTokenCommand.ExecuteAsync(session, args);
                    break;
                case "CometQL_call":
                    await CometQLCallCommand.ExecuteAsync(session, args);
                    break;
                case "statistics":
                case "cgi_call":
                    // Accepted and ignored, as CppComet does (the JS sends statistics after 5 s).
                    break;
                default:
                    session.SendError(UnknownCommand(name));
                    break;
            }
        }
        catch (StorageUnavailableException)
        {
            session.SendError("The storage is unavailable; try again later.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogCommandFailed(session.Services.Logger, exception, Truncate(name), session.Info.ConnectionId);
            session.SendError("Internal error while handling the command.");
        }
    }

    private static string UnknownCommand(string name) =>
        $"Unknown command `{Truncate(name)}`. Commands: subscription, web_pipe2, pipe_log, pipe_count, user_status, track_pipe_users, user_data, refresh_token, statistics, CometQL_call.";

    private static string Truncate(string name) => name.Length <= 32 ? name : name[..32] + "…";

    [LoggerMessage(Level = LogLevel.Error, Message = "Command {Command} of connection {ConnectionId} failed")]
    private static partial void LogCommandFailed(ILogger logger, Exception exception, string command, string connectionId);
}
