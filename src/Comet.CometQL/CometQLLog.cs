using Microsoft.Extensions.Logging;

namespace Comet.CometQL;

/// <summary>The CometQL transport's log messages (structured; never a key, hash, token or query value).</summary>
internal static partial class CometQLLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "CometQL login refused for user {User} from {Remote}: {Reason}")]
    public static partial void LoginRefused(ILogger logger, string user, System.Net.EndPoint? remote, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "CometQL connection {ConnectionId} logged in as dev_id {DevId} with {Plugin}")]
    public static partial void LoggedIn(ILogger logger, uint connectionId, int devId, string plugin);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "CometQL connection {ConnectionId}: the storage is unavailable")]
    public static partial void StorageUnavailable(ILogger logger, uint connectionId, Exception exception);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "CometQL connection {ConnectionId}: unexpected error in command {Command}")]
    public static partial void UnexpectedError(ILogger logger, uint connectionId, int command, Exception exception);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Debug, Message = "CometQL connection {ConnectionId} closed: {Reason}")]
    public static partial void Closed(ILogger logger, uint connectionId, string reason);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "CometQL connection from {Remote} refused: {Reason}")]
    public static partial void ConnectionRefused(ILogger logger, System.Net.EndPoint? remote, string reason);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "CometQL: {Remote} is blocked for {Window} after {Failures} failed logins")]
    public static partial void AddressBlocked(ILogger logger, System.Net.EndPoint? remote, int failures, TimeSpan window);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information, Message = "CometQL connection {ConnectionId}: the TLS handshake failed")]
    public static partial void TlsFailed(ILogger logger, uint connectionId, Exception exception);
}
