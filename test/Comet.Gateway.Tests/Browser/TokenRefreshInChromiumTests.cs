using System.Text.Json.Nodes;

namespace Comet.Gateway.Tests.Browser;

/// <summary>
/// Token expiry and refresh as a page with our client lives it (test/clients/browser/refresh.js): the
/// page's refreshToken callback keeps a connection open past its first token's exp; a page whose
/// callback fails is closed at exp with the reason, and reconnects once the callback works again.
/// </summary>
public sealed class TokenRefreshInChromiumTests(TokenRefreshRun run) : IClassFixture<TokenRefreshRun>
{
    private const string ExpiredReason = "The authorisation token expired; reconnect with a fresh one.";

    private readonly JsonObject _report = run.Report;

    [Fact]
    public void The_pages_ran_without_script_errors()
    {
        Assert.Empty(_report["pageErrors"]!.AsArray());
    }

    [Fact]
    public void A_page_is_warned_and_its_callback_refreshes_the_token_on_the_open_connection()
    {
        var renewing = _report["renewing"]!;
        var events = Events(renewing);
        Assert.Equal(["tokenExpiring", "tokenRefreshed"], events.Take(2));
        Assert.Equal(1, renewing["refreshCalls"]!.GetValue<int>());
        var firstExp = _report["firstExp"]!["renewing"]!.GetValue<long>() / 1000;
        var newExp = renewing["sys"]!.AsArray()[1]!["data"]!["exp"]!.GetValue<long>();
        Assert.True(newExp > firstExp, $"the refreshed exp {newExp} is not after the first {firstExp}");
    }

    [Fact]
    public void The_refreshed_page_stays_on_its_first_connection_past_the_first_exp_and_keeps_receiving()
    {
        var renewing = _report["renewing"]!;
        Assert.Equal("open", renewing["info"]!["state"]!.GetValue<string>());
        Assert.Equal(1, renewing["info"]!["connects"]!.GetValue<int>());
        Assert.Empty(renewing["closes"]!.AsArray());
        Assert.Contains("after the first exp", renewing["room"]!.AsArray().Select(t => t!.GetValue<string>()));
    }

    [Fact]
    public void A_page_whose_callback_fails_is_closed_at_exp_with_the_reason()
    {
        var failing = _report["failingAtClose"]!;
        var close = Assert.Single(failing["closes"]!.AsArray())!;
        Assert.Equal(1008, close["code"]!.GetValue<int>());
        Assert.Equal(ExpiredReason, close["reason"]!.GetValue<string>());
        var exp = _report["firstExp"]!["failing"]!.GetValue<long>();
        // Not before exp; the sweep runs every 0.5 s, and the bound leaves room for a loaded machine.
        Assert.InRange(close["at"]!.GetValue<long>(), exp - 50, exp + 3000);
        Assert.Equal("tokenExpiring", Events(failing)[0]);
        Assert.DoesNotContain("tokenRefreshed", Events(failing));
    }

    [Fact]
    public void After_an_expiry_close_the_client_reconnects_with_a_fresh_token_from_the_callback()
    {
        var failing = _report["failingAfterReconnect"]!;
        Assert.Equal("open", failing["info"]!["state"]!.GetValue<string>());
        Assert.True(failing["authorized"]!.GetValue<bool>());
        Assert.Contains("after the reconnect", failing["room"]!.AsArray().Select(t => t!.GetValue<string>()));
    }

    private static List<string> Events(JsonNode page) =>
        [.. page["sys"]!.AsArray().Select(m => m!["event"]!.GetValue<string>())];
}
