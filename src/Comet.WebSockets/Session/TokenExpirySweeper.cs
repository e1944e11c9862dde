using Comet.WebSockets.Delivery;
using Comet.WebSockets.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Comet.WebSockets.Session;

/// <summary>
/// Token expiry for every JWT-authorised connection of the node from one timer (no timer per
/// connection): each <see cref="Period"/> it warns the connections whose token expires within
/// <c>TokenExpiryWarning</c> (the <c>tokenExpiring</c> sys event) and closes, with 1008, those whose
/// token expired without a refresh. A refresh (<c>refresh_token</c>) moves a connection's deadline.
/// The keep-alive sweep ticks every 25 s, too coarsely for a close "at exp", hence a sweep of its own;
/// it only visits connections that hold a token.
/// </summary>
internal sealed partial class TokenExpirySweeper(
    IOptions<CometWebSocketOptions> options,
    TimeProvider time,
    ILogger<TokenExpirySweeper> logger) : BackgroundService
{
    /// <summary>How often deadlines are checked: warnings and closes happen at most this late.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(500);

    private readonly Lock _lock = new();
    private readonly Dictionary<ClientSession, TokenDeadline> _deadlines = [];
    private readonly TimeSpan _warnAhead = options.Value.TokenExpiryWarning;
    private readonly bool _enforced = options.Value.CloseExpiredTokens;

    /// <summary>Connections whose token expiry is watched now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _deadlines.Count;
            }
        }
    }

    /// <summary>Watches a connection a JWT authorised (nothing when expiry is not enforced).</summary>
    public void Track(ClientSession session, DateTimeOffset expires)
    {
        if (!_enforced)
        {
            return;
        }
        lock (_lock)
        {
            _deadlines[session] = new TokenDeadline(expires);
        }
    }

    /// <summary>Moves a connection's deadline to its fresh token's expiry; false when the old token
    /// already expired (the connection is being closed).</summary>
    public bool Renew(ClientSession session, DateTimeOffset expires)
    {
        if (!_enforced)
        {
            return true;
        }
        lock (_lock)
        {
            return _deadlines.TryGetValue(session, out var deadline) && deadline.Renew(expires);
        }
    }

    public void Remove(ClientSession session)
    {
        lock (_lock)
        {
            _deadlines.Remove(session);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_enforced)
        {
            return;
        }
        using var timer = new PeriodicTimer(Period, time);
        var due = new List<(ClientSession Session, TokenDeadlineAction Action, DateTimeOffset Expires)>();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Sweep(due);
                due.Clear();
            }
        }
        catch (OperationCanceledException)
        {
            // The host is stopping.
        }
    }

    /// <summary>Decides under the lock (so a refresh cannot slip between decision and record), then
    /// sends outside it.</summary>
    private void Sweep(List<(ClientSession Session, TokenDeadlineAction Action, DateTimeOffset Expires)> due)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            foreach (var (session, deadline) in _deadlines)
            {
                var action = deadline.Next(now, _warnAhead);
                if (action != TokenDeadlineAction.None)
                {
                    due.Add((session, action, deadline.Expires));
                }
            }
        }
        foreach (var (session, action, expires) in due)
        {
            if (action == TokenDeadlineAction.Warn)
            {
                session.Send(ServerMessages.TokenExpiring(expires, now, session.Compat));
            }
            else
            {
                LogExpired(logger, session.Info.ConnectionId, session.DevId, session.UserId);
                session.Outbox.RequestClose(CloseRequest.TokenExpired);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing WebSocket {ConnectionId} (dev_id {DevId}, user {UserId}): its token expired without a refresh")]
    private static partial void LogExpired(ILogger logger, string connectionId, int devId, long userId);
}
