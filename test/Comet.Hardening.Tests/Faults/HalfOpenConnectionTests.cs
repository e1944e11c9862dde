namespace Comet.Hardening.Tests.Faults;

/// <summary>
/// A peer that upgrades and then neither reads nor answers (a browser whose machine vanished without a
/// FIN, a NAT that dropped the mapping) must not hold its socket and its presence for ever: the server's
/// pings go unanswered, and after <c>KeepAliveTimeout</c> the connection is dropped, the user goes
/// offline (users_time and the <c>user_status_</c> event), and the subscriber count falls. From the
/// server's side a vanished peer and a mute one look the same: nothing answers the ping.
/// </summary>
public sealed class HalfOpenConnectionTests
{
    [Fact]
    public async Task A_peer_that_stops_answering_is_dropped_and_its_user_goes_offline()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            // Short enough for a quick test, long enough that the healthy watcher's pongs are not
            // late on a busy two-core CI machine (1 s was, once).
            ["Comet:WebSocket:KeepAliveInterval"] = "00:00:00.500",
            ["Comet:WebSocket:KeepAliveTimeout"] = "00:00:03",
        });
        await using var backend = await CometQLBackend.OpenAsync(gateway);
        await backend.ExecuteAsync("INSERT INTO users_auth (id, hash) VALUES (41, 'halfopen41')");
        await using var watcher = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());
        await watcher.SendAsync("subscription\nuser_status_41");
        await Wait.UntilAsync(async () => await backend.SubscribersAsync("user_status_41") == "1", "the watcher to be subscribed");

        using var mute = await RawWebSocket.UpgradeAsync(gateway.HttpPort, CometWebSocketClient.Path("halfopen41", 41));
        await mute.SendTextAsync("subscription\nweb_halfopen");
        Assert.Equal("online", (await watcher.WaitForPipeAsync("user_status_41")).GetProperty("event").GetString());
        await Wait.UntilAsync(async () => await backend.SubscribersAsync("web_halfopen") == "1", "the mute client to be subscribed");
        Assert.Equal("0", await backend.UserTimeAsync(41));

        // From now on the client reads nothing: the server's pings pile up unanswered.
        Assert.Equal("offline", (await watcher.WaitForPipeAsync("user_status_41", timeout: TimeSpan.FromSeconds(30))).GetProperty("event").GetString());
        Assert.Equal("0", await backend.SubscribersAsync("web_halfopen"));
        Assert.NotEqual("0", await backend.UserTimeAsync(41));
        Assert.True(await mute.WaitUntilServerClosedAsync(TimeSpan.FromSeconds(30)), "the server closed the TCP connection of the mute peer");
        Assert.True(watcher.IsOpen, "the healthy client is untouched");
    }
}
