namespace Comet.WebSockets.Session;

/// <summary>What the command rate limit says about one client message.</summary>
internal enum CommandVerdict
{
    /// <summary>Within the rate: handle it.</summary>
    Accepted,

    /// <summary>Over the rate: ignore it and answer a sys error.</summary>
    Rejected,

    /// <summary>Over the rate for too long: close the connection.</summary>
    Disconnect,
}

/// <summary>
/// One connection's command rate: a token bucket of <c>perSecond</c> commands (bursts of as many),
/// and a count of rejected commands per minute beyond which the connection is closed. Only the
/// connection's reader calls it; it allocates nothing per message.
/// </summary>
internal sealed class CommandRateLimiter(int perSecond, int maxRejected, TimeProvider time)
{
    private static readonly TimeSpan RejectionWindow = TimeSpan.FromMinutes(1);

    private double _tokens = perSecond;
    private long _updated = time.GetTimestamp();
    private long _rejectionWindowStart = time.GetTimestamp();
    private int _rejected;

    public CommandVerdict Take()
    {
        var now = time.GetTimestamp();
        _tokens = Math.Min(perSecond, _tokens + (time.GetElapsedTime(_updated, now).TotalSeconds * perSecond));
        _updated = now;
        if (_tokens >= 1)
        {
            _tokens -= 1;
            return CommandVerdict.Accepted;
        }
        if (time.GetElapsedTime(_rejectionWindowStart, now) >= RejectionWindow)
        {
            _rejectionWindowStart = now;
            _rejected = 0;
        }
        return ++_rejected > maxRejected ? CommandVerdict.Disconnect : CommandVerdict.Rejected;
    }
}
