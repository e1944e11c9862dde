using Comet.WebSockets.Session;

namespace Comet.WebSockets.Tests.Unit;

/// <summary>When the expiry sweep warns and closes one connection, and what a refresh changes.</summary>
public sealed class TokenDeadlineTests
{
    private static readonly DateTimeOffset Exp = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public void Nothing_happens_before_the_warning_time()
    {
        var deadline = new TokenDeadline(Exp);

        Assert.Equal(TokenDeadlineAction.None, deadline.Next(Exp - Minute - TimeSpan.FromSeconds(1), Minute));
    }

    [Fact]
    public void The_warning_comes_once_then_the_close_once_at_exp()
    {
        var deadline = new TokenDeadline(Exp);

        Assert.Equal(TokenDeadlineAction.Warn, deadline.Next(Exp - Minute, Minute));
        Assert.Equal(TokenDeadlineAction.None, deadline.Next(Exp - TimeSpan.FromSeconds(1), Minute));
        Assert.Equal(TokenDeadlineAction.Close, deadline.Next(Exp, Minute));
        Assert.Equal(TokenDeadlineAction.None, deadline.Next(Exp + Minute, Minute));
    }

    [Fact]
    public void A_token_with_less_than_the_warning_time_left_is_warned_at_the_first_sweep()
    {
        var deadline = new TokenDeadline(Exp);

        Assert.Equal(TokenDeadlineAction.Warn, deadline.Next(Exp - TimeSpan.FromSeconds(3), Minute));
    }

    [Fact]
    public void A_zero_warning_time_only_closes()
    {
        var deadline = new TokenDeadline(Exp);

        Assert.Equal(TokenDeadlineAction.None, deadline.Next(Exp - TimeSpan.FromMilliseconds(1), TimeSpan.Zero));
        Assert.Equal(TokenDeadlineAction.Close, deadline.Next(Exp, TimeSpan.Zero));
    }

    [Fact]
    public void A_renewal_moves_the_deadline_and_warns_again_before_the_new_exp()
    {
        var deadline = new TokenDeadline(Exp);
        Assert.Equal(TokenDeadlineAction.Warn, deadline.Next(Exp - Minute, Minute));

        Assert.True(deadline.Renew(Exp + TimeSpan.FromHours(1)));

        Assert.Equal(TokenDeadlineAction.None, deadline.Next(Exp, Minute));
        Assert.Equal(TokenDeadlineAction.Warn, deadline.Next(Exp + TimeSpan.FromHours(1) - Minute, Minute));
        Assert.Equal(TokenDeadlineAction.Close, deadline.Next(Exp + TimeSpan.FromHours(1), Minute));
    }

    [Fact]
    public void An_expired_deadline_cannot_be_renewed()
    {
        var deadline = new TokenDeadline(Exp);
        Assert.Equal(TokenDeadlineAction.Close, deadline.Next(Exp, Minute));

        Assert.False(deadline.Renew(Exp + TimeSpan.FromHours(1)));
        Assert.Equal(TokenDeadlineAction.None, deadline.Next(Exp + TimeSpan.FromHours(2), Minute));
    }
}
