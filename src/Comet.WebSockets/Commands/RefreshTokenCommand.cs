using Comet.Core.Security;
using Comet.WebSockets.Delivery;
using Comet.WebSockets.Protocol;
using Comet.WebSockets.Session;
using Microsoft.Extensions.Logging;

namespace Comet.WebSockets.Commands;

/// <summary>
/// <c>refresh_token\n&lt;jwt&gt;</c> (ours, not CppComet's): a JWT-authorised connection swaps its token
/// for a fresh one of the same user without reconnecting. The token is checked exactly as at connect;
/// on success revoking the new token closes the connection (and revoking the old one no longer does),
/// the expiry deadline moves to the new <c>exp</c>, and the client gets <c>tokenRefreshed</c>. Any
/// refusal is a sys error with code 401 and changes nothing.
/// </summary>
internal static partial class RefreshTokenCommand
{
    public const string Name = "refresh_token";

    /// <summary>The code of every refusal, so a client can tell them from other sys errors.</summary>
    public const string RefusalCode = "401";

    public static async Task ExecuteAsync(ClientSession session, string args)
    {
        var token = ReadToken(args, out var problem);
        if (problem is not null)
        {
            Refuse(session, problem);
            return;
        }
        if (!session.IsAuthorized)
        {
            Refuse(session, "This connection is anonymous; only a connection a JWT authorised can refresh its token.");
            return;
        }
        if (!session.IsTokenAuthorised)
        {
            Refuse(session, "This connection was authorised with a users_auth hash, which does not expire.");
            return;
        }

        var check = await session.Services.Authenticator.CheckTokenAsync(session.DevId, session.UserId, token);
        if (!check.IsValid || check.Expires is not { } expires)
        {
            Refuse(session, check.Refusal ?? "The token has no exp claim.");
            return;
        }
        if (!session.Services.TokenExpiry.Renew(session, expires))
        {
            Refuse(session, "The connection's token expired before the fresh one arrived.");
            return;
        }
        session.Client.ReplaceCredential(token);
        // A revocation of the new token published between the check and the swap compared itself with
        // the old credential and missed this connection; revocations are stored before they are
        // published, so looking once more, now that the new credential is in place, closes that gap.
        if (await session.Node.Users.IsTokenRevokedAsync(session.DevId, token))
        {
            session.Outbox.RequestClose(CloseRequest.AuthorisationRevoked);
            return;
        }
        LogRefreshed(session.Services.Logger, session.Info.ConnectionId, session.UserId, expires);
        session.Send(ServerMessages.TokenRefreshed(expires, session.Now, session.Compat));
    }

    /// <summary>The token on the command's first line (trimmed), or why there is none to check.</summary>
    internal static string ReadToken(string args, out string? problem)
    {
        var rest = args;
        var token = CommandArguments.NextLine(ref rest).Trim();
        problem = token.Length switch
        {
            0 => "No token was given.",
            > CometJwtValidator.MaxTokenLength => $"The token is longer than {CometJwtValidator.MaxTokenLength} characters.",
            _ => null,
        };
        return token;
    }

    private static void Refuse(ClientSession session, string reason)
    {
        LogRefused(session.Services.Logger, session.Info.ConnectionId, session.UserId, reason);
        session.SendError("Token refresh refused. " + reason, code: RefusalCode);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "WebSocket {ConnectionId} (user {UserId}) refreshed its token; it now expires at {Expires}")]
    private static partial void LogRefreshed(ILogger logger, string connectionId, long userId, DateTimeOffset expires);

    [LoggerMessage(Level = LogLevel.Debug, Message = "WebSocket {ConnectionId} (user {UserId}): token refresh refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string connectionId, long userId, string reason);
}
