using System.Text;
using Comet.Core.Security;
using Comet.WebSockets.Commands;
using Comet.WebSockets.Protocol;

namespace Comet.WebSockets.Tests.Unit;

/// <summary>The refresh_token argument and the sys events of token expiry, byte for byte.</summary>
public sealed class TokenRefreshMessagesTests
{
    private static readonly DateTimeOffset Exp = DateTimeOffset.FromUnixTimeSeconds(1_796_000_060);

    [Theory]
    [InlineData("a.b.c", "a.b.c")]
    [InlineData(" a.b.c\r\n", "a.b.c")]
    [InlineData("a.b.c\nignored", "a.b.c")]
    public void The_token_is_the_first_line_trimmed(string args, string token)
    {
        Assert.Equal(token, RefreshTokenCommand.ReadToken(args, out var problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \r")]
    [InlineData("\na.b.c")]
    public void A_missing_token_is_a_problem(string args)
    {
        RefreshTokenCommand.ReadToken(args, out var problem);

        Assert.Equal("No token was given.", problem);
    }

    [Fact]
    public void A_token_longer_than_the_connect_limit_is_a_problem()
    {
        RefreshTokenCommand.ReadToken(new string('a', CometJwtValidator.MaxTokenLength + 1), out var problem);

        Assert.Equal("The token is longer than 600 characters.", problem);
        Assert.Equal(600, RefreshTokenCommand.ReadToken(new string('a', 600), out var fits).Length);
        Assert.Null(fits);
    }

    [Fact]
    public void The_warning_says_when_the_token_expires_and_how_many_seconds_are_left()
    {
        var now = Exp - TimeSpan.FromSeconds(59.5);

        Assert.Equal(
            """{"data":{"exp":1796000060,"expires_in":60},"event":"tokenExpiring","message_send_time":1796000000,"pipe":"sys"}""",
            Encoding.UTF8.GetString(ServerMessages.TokenExpiring(Exp, now, compat: false)));
    }

    [Fact]
    public void In_compat_mode_the_warning_has_event_name_and_string_data_like_every_sys_event()
    {
        var text = Encoding.UTF8.GetString(ServerMessages.TokenExpiring(Exp, Exp - TimeSpan.FromSeconds(5), compat: true));

        Assert.Contains("\"event_name\":\"tokenExpiring\"", text, StringComparison.Ordinal);
        Assert.Contains("\"data\":\"{\\\"exp\\\":1796000060,\\\"expires_in\\\":5}\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_answer_to_an_accepted_refresh_carries_the_new_exp()
    {
        Assert.Equal(
            """{"data":{"exp":1796000060},"event":"tokenRefreshed","message_send_time":1796000000,"pipe":"sys"}""",
            Encoding.UTF8.GetString(ServerMessages.TokenRefreshed(Exp, 1_796_000_000, compat: false)));
    }
}
