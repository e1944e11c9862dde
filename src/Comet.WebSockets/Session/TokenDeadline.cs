namespace Comet.WebSockets.Session;

/// <summary>What the expiry sweep does for one connection now.</summary>
internal enum TokenDeadlineAction
{
    None,

    /// <summary>Send the <c>tokenExpiring</c> sys event (once per token).</summary>
    Warn,

    /// <summary>Close the connection (1008): its token expired without a refresh.</summary>
    Close,
}

/// <summary>
/// When the JWT of one connection expires and how far its warning and close got. Not thread-safe on
/// its own: <see cref="TokenExpirySweeper"/> changes it under its lock only, so a refresh and the
/// sweep never both decide.
/// </summary>
internal sealed class TokenDeadline(DateTimeOffset expires)
{
    public DateTimeOffset Expires { get; private set; } = expires;

    public bool Warned { get; private set; }

    public bool Expired { get; private set; }

    /// <summary>What to do at <paramref name="now"/>, recorded so it happens once: warn when the token
    /// has at most <paramref name="warnAhead"/> left (at once when it had less when the connection
    /// opened), close at <c>exp</c>. A zero <paramref name="warnAhead"/> never warns.</summary>
    public TokenDeadlineAction Next(DateTimeOffset now, TimeSpan warnAhead)
    {
        if (Expired)
        {
            return TokenDeadlineAction.None;
        }
        if (now >= Expires)
        {
            Expired = true;
            return TokenDeadlineAction.Close;
        }
        if (!Warned && warnAhead > TimeSpan.Zero && now >= Expires - warnAhead)
        {
            Warned = true;
            return TokenDeadlineAction.Warn;
        }
        return TokenDeadlineAction.None;
    }

    /// <summary>A fresh token: its expiry, and a warning again before it. False once the old one
    /// expired: the close is under way and the connection cannot be saved.</summary>
    public bool Renew(DateTimeOffset expires)
    {
        if (Expired)
        {
            return false;
        }
        Expires = expires;
        Warned = false;
        return true;
    }
}
