using System.Text.Json.Nodes;
using Comet.Testing;

namespace Comet.Gateway.Tests.Browser;

/// <summary>
/// What our client adds to CometServerApi.js, in real Chromium against two gateway nodes on one Redis
/// (test/clients/browser/client.js): the ES module, reconnection with backoff and jitter, failover,
/// recovery of missed logged-pipe messages, and one connection shared by the tabs of a browser.
/// </summary>
public sealed class ClientLibraryInChromiumTests(ClientLibraryRun run) : IClassFixture<ClientLibraryRun>
{
    private readonly JsonObject _report = run.Report;

    [Fact]
    public void The_pages_ran_without_script_errors()
    {
        Assert.Empty(_report["pageErrors"]!.AsArray());
    }

    [Fact]
    public void The_es_module_exports_the_same_client_as_the_script_tag_with_every_typed_method()
    {
        var module = _report["module"]!;
        Assert.True(module["defaultIsNamed"]!.GetValue<bool>());
        Assert.True(module["sameAsGlobal"]!.GetValue<bool>());
        Assert.True(module["singleton"]!.GetValue<bool>());
        Assert.True(module["isOurs"]!.GetValue<bool>());
        var typed = _report["typedMethods"]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        foreach (var name in new[]
                 {
                     "start", "stop", "restart", "subscription", "unsubscription", "web_pipe_send", "get_pipe_log",
                     "count_users_in_pipe", "getTrackPipeUsers", "getUserData", "isAuthorized", "onAuthSuccess", "onAuthFalill",
                 })
        {
            Assert.Contains(name, typed);
        }
        Assert.Empty(_report["typedButMissing"]!.AsArray());
    }

    [Fact]
    public void Reconnect_delays_grow_exponentially_to_the_cap_with_jitter()
    {
        var delays = _report["delays"]!.AsArray()
            .Select(d => (Attempt: d!["attempt"]!.GetValue<int>(), Delay: d["delay"]!.GetValue<int>(), Ceiling: d["ceiling"]!.GetValue<int>()))
            .ToList();
        Assert.True(delays.Count >= 6, $"expected at least 6 delays, got {delays.Count}");
        for (var i = 0; i < delays.Count; i++)
        {
            var (attempt, delay, ceiling) = delays[i];
            // Options in client.js: initialDelay 200, maxDelay 1600; the first delay follows the dropped connection.
            Assert.Equal(i, attempt);
            Assert.Equal(Math.Min(1600, 200 << Math.Min(attempt, 4)), ceiling);
            Assert.InRange(delay, ceiling / 2, ceiling);
        }
        // Equal jitter: with six or more random draws, not every delay sits on its ceiling.
        Assert.Contains(delays, d => d.Delay != d.Ceiling);
    }

    [Fact]
    public void After_failover_to_the_other_node_the_messages_missed_meanwhile_arrive_once_in_order()
    {
        var info = _report["roamAfterFailover"]!;
        Assert.Equal("open", info["state"]!.GetValue<string>());
        Assert.NotEqual(info["node"], _report["roamFirstNode"]);
        var room = _report["roamRoom"]!.AsArray();
        Assert.Equal(
            ["m1 live", "m2 while away", "m3 while away", "m4 live again"],
            room.Select(m => m!["data"]!["text"]!.GetValue<string>()));
        Assert.Equal(
            [false, true, true, false],
            room.Select(m => m!["server_info"]!["recovered"]?.GetValue<bool>() ?? false));
    }

    [Fact]
    public void Two_tabs_share_one_connection_and_the_follower_subscribes_asks_and_hears_through_it()
    {
        Assert.Equal(1, _report["tabsConnectionsBeforeHandover"]!.GetValue<int>());
        JsonAssert.Equal("""["user_in_pipe",1]""", _report["followerCount"]);
        AssertTexts(["t1 for tab 2"], _report["followerTabs"]);
        JsonAssert.Equal(
            """[{"data":{"n":1},"server_info":{"user_id":0,"pipe":"msg","event":"note","history":false}}]""",
            CallbackJson.WithoutSeq(_report["followerNotes"]));
        // The connection asked for acknowledged personal delivery by default.
        Assert.NotNull(_report["followerNotes"]![0]!["server_info"]!["seq"]);
    }

    [Fact]
    public void A_message_one_tab_publishes_reaches_the_other_tab_and_other_browsers_with_its_user_id()
    {
        JsonAssert.Equal("true", _report["followerSendReturned"]);
        var expected = """[{"data":{"text":"from tab 2"},"server_info":{"user_id":2002,"pipe":"web_room","event":"say","history":false}}]""";
        JsonAssert.Equal(expected, _report["leaderRoom"]);
        JsonAssert.Equal(expected, _report["otherRoom"]);
    }

    [Fact]
    public void When_the_leader_tab_closes_the_other_tab_takes_over_the_connection_and_misses_nothing()
    {
        Assert.Equal(2, _report["tabsConnectionsAfterHandover"]!.GetValue<int>());
        AssertTexts(["t1 for tab 2", "t2 after the hand-over"], _report["followerTabsAfter"]);
    }

    private static void AssertTexts(string[] expected, JsonNode? messages) =>
        Assert.Equal(expected, messages!.AsArray().Select(m => m!["data"]!["text"]!.GetValue<string>()));
}
