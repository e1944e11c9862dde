using System.Net.WebSockets;
using Comet.Testing;
using Comet.WebSockets.Tests.Support;

namespace Comet.WebSockets.Tests;

public sealed class PresenceTests
{
    [Fact]
    public async Task Track_pipes_announce_joins_to_members_but_not_to_the_joiner()
    {
        await using var gateway = await TestGateway.StartAsync();
        await gateway.Engine().Users.SetHashAsync(0, 11, "h11");
        await using var first = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path(uuid: "first"));
        await using var second = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path("h11", 11, uuid: "second"));
        await first.SendAsync("subscription\ntrack_room");
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["track_room"]))[0].Count == 1, "first joined");

        await second.SendAsync("subscription\ntrack_room");

        Assert.Equal("{\"data\":{\"user_id\":11,\"uuid\":\"second\"},\"event\":\"subscription\",\"message_send_time\":0,\"pipe\":\"track_room\"}",
            (await first.ReceiveAsync()).WithoutTime());
        await second.AssertSilentAsync();
    }

    [Fact]
    public async Task Resending_the_same_list_emits_no_track_events_and_leaving_emits_unsubscription()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var first = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path(uuid: "first"));
        await using var second = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path(uuid: "second"));
        await first.SendAsync("subscription\ntrack_room");
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["track_room"]))[0].Count == 1, "first joined");
        await second.SendAsync("subscription\ntrack_room");
        Assert.Equal("subscription", (await first.ReceiveAsync()).GetProperty("event").GetString());

        // The JS client re-sends its full list on every change and reconnect.
        await second.SendAsync("subscription\ntrack_room\nweb_more");
        await first.AssertSilentAsync();

        await second.DisposeAsync();
        var left = await first.ReceiveAsync();
        Assert.Equal("{\"data\":{\"user_id\":0,\"uuid\":\"second\"},\"event\":\"unsubscription\",\"message_send_time\":0,\"pipe\":\"track_room\"}", left.WithoutTime());
    }

    [Fact]
    public async Task Track_pipe_users_lists_the_members()
    {
        await using var gateway = await TestGateway.StartAsync();
        await gateway.Engine().Users.SetHashAsync(0, 12, "h12");
        await using var a = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path("h12", 12, uuid: "ua"));
        await a.SendAsync("subscription\ntrack_list");
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["track_list"]))[0].Count == 1, "joined");

        await a.SendAsync("track_pipe_users\ntrack_list\nmk12345678");

        Assert.Equal(
            "{\"_info\":\"answer for track_pipe_users\",\"data\":[{\"user_id\":12,\"uuid\":\"ua\"}],\"event\":\"answer\",\"marker\":\"mk12345678\",\"message_send_time\":0,\"pipe\":\"_answer\"}",
            (await a.ReceiveAsync()).WithoutTime());
        await a.SendAsync("track_pipe_users\nweb_list\nmk");
        Assert.Equal("[track_pipe_users] Invalid channel name. The channel should start with track_",
            (await a.ReceiveAsync()).GetProperty("data").GetProperty("error").GetString());
    }

    [Fact]
    public async Task User_status_pipes_get_online_and_offline_and_users_time_follows()
    {
        await using var gateway = await TestGateway.StartAsync();
        await gateway.Engine().Users.SetHashAsync(0, 21, "h21");
        await using var watcher = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());
        await watcher.SendAsync("subscription\nuser_status_21");
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["user_status_21"]))[0].Count == 1, "watching");
        Assert.Equal(-1, (await gateway.Engine().Presence.GetUserTimesAsync(0, [21]))[0].Time);

        await using var user = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path("h21", 21));
        Assert.Equal("{\"data\":\"online\",\"event\":\"online\",\"pipe\":\"user_status_21\"}", await watcher.ReceiveTextAsync());
        Assert.Equal(0, (await gateway.Engine().Presence.GetUserTimesAsync(0, [21]))[0].Time);

        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await user.DisposeAsync();
        Assert.Equal("{\"data\":\"offline\",\"event\":\"offline\",\"pipe\":\"user_status_21\"}", await watcher.ReceiveTextAsync());
        var time = (await gateway.Engine().Presence.GetUserTimesAsync(0, [21]))[0].Time;
        Assert.InRange(time, before, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task User_status_command_answers_seconds_since_last_seen()
    {
        await using var gateway = await TestGateway.StartAsync();
        await gateway.Engine().Users.SetHashAsync(0, 22, "h22");
        await using var user = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path("h22", 22));
        await user.DisposeAsync();
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.GetUserTimesAsync(0, [22]))[0].Time > 0, "offline");
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());

        await client.SendAsync("user_status\n22");

        var answer = await client.ReceiveAsync();
        Assert.Equal("_answer_user_status", answer.GetProperty("pipe").GetString());
        Assert.Equal("user_status_22", answer.GetProperty("event").GetString());
        Assert.InRange(answer.GetProperty("data").GetProperty("last_online_time").GetInt64(), 0, 5);
        Assert.Equal(answer.GetProperty("data").GetProperty("data").GetInt64(), answer.GetProperty("data").GetProperty("last_online_time").GetInt64());
    }

    [Fact]
    public async Task Users_in_pipes_reports_the_connections_headers()
    {
        await using var gateway = await TestGateway.StartAsync();
        // In cluster mode the client's node is not the one asked, so the record crossed nodes.
        var node = gateway.LastNode();
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(node, CometWebSocketClient.Path(uuid: "u-1"));
        await client.SendAsync("subscription\nweb_seen");
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["web_seen"]))[0].Count == 1, "subscribed");

        var member = Assert.Single(await gateway.Engine().Presence.GetSubscribersAsync(0, "web_seen"));

        Assert.Equal(0, member.UserId);
        Assert.Equal("u-1", member.Uuid);
        Assert.Equal("CometWebSocketClient/1.0", member.UserAgent);
        Assert.Equal("http://site.example", member.Origin);
        Assert.Equal("en-GB", member.Language);
        Assert.Equal("127.0.0.1", member.Ip);
        // Connection ids carry the process's incarnation (unique across restarts under one node name).
        Assert.StartsWith(node.NodeName() + "~", member.ConnectionId, StringComparison.Ordinal);
        Assert.StartsWith(node.NodeId() + ":", member.ConnectionId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Personal_messages_reach_every_connection_of_the_user()
    {
        await using var gateway = await TestGateway.StartAsync();
        await gateway.Engine().Users.SetHashAsync(0, 31, "h31");
        await using var tab1 = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path("h31", 31));
        await using var tab2 = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path("h31", 31));

        await gateway.Engine().Bus.SendToUserAsync(0, 31, "newMessage", "{\"text\":\"hello\"}");

        const string expected = "{\"data\":\"{\\\"text\\\":\\\"hello\\\"}\",\"event\":\"newMessage\",\"pipe\":\"msg\"}";
        Assert.Equal(expected, await tab1.ReceiveTextAsync());
        Assert.Equal(expected, await tab2.ReceiveTextAsync());
    }

    [Fact]
    public async Task The_whole_offline_queue_arrives_oldest_first_after_serverInfo_then_live_messages()
    {
        await using var gateway = await TestGateway.StartAsync();
        await gateway.Engine().Users.SetHashAsync(0, 32, "h32");
        for (var i = 1; i <= 15; i++)
        {
            await gateway.Engine().Bus.SendToUserAsync(0, 32, "queued", "q" + i);
        }

        var client = await CometWebSocketClient.ConnectAsync(gateway, CometWebSocketClient.Path("h32", 32));

        Assert.Equal("serverInfo", (await client.ReceiveAsync()).GetProperty("event").GetString());
        for (var i = 1; i <= 15; i++)
        {
            var queued = await client.ReceiveAsync();
            Assert.Equal("q" + i, queued.GetProperty("data").GetString());
            Assert.True(queued.GetProperty("fromQueue").GetBoolean());
            Assert.Equal("msg", queued.GetProperty("pipe").GetString());
            Assert.True(queued.TryGetProperty("message_send_time", out _));
        }
        Assert.Empty(await gateway.Engine().Bus.GetQueueAsync(0, 32));

        await gateway.Engine().Bus.SendToUserAsync(0, 32, "live", "now");
        Assert.Equal("{\"data\":\"now\",\"event\":\"live\",\"pipe\":\"msg\"}", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Messages_sent_between_two_connections_of_a_reload_are_not_lost()
    {
        await using var gateway = await TestGateway.StartAsync();
        await gateway.Engine().Users.SetHashAsync(0, 33, "h33");
        await using var first = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path("h33", 33));
        await gateway.Engine().Bus.SendToUserAsync(0, 33, "e", "while online");
        Assert.Equal("while online", (await first.ReceiveAsync()).GetProperty("data").GetString());
        await first.DisposeAsync();
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.GetUserTimesAsync(0, [33]))[0].Time > 0, "offline");

        await gateway.Engine().Bus.SendToUserAsync(0, 33, "e", "during reload");
        await using var second = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path("h33", 33));

        var queued = await second.ReceiveAsync();
        Assert.Equal("during reload", queued.GetProperty("data").GetString());
        Assert.True(queued.GetProperty("fromQueue").GetBoolean());
    }

    [Fact]
    public async Task A_user_may_hold_16_connections_and_the_17th_gets_an_error_and_is_closed()
    {
        await using var gateway = await TestGateway.StartAsync();
        await gateway.Engine().Users.SetHashAsync(0, 41, "h41");
        var clients = new List<CometWebSocketClient>();
        try
        {
            for (var i = 0; i < 16; i++)
            {
                var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path("h41", 41));
                var info = client.ServerInfo;
                Assert.True(info.GetProperty("authorized").GetBoolean());
                clients.Add(client);
            }

            var extra = await CometWebSocketClient.ConnectAsync(gateway, CometWebSocketClient.Path("h41", 41));
            clients.Add(extra);

            Assert.Equal("serverInfo", (await extra.ReceiveAsync()).GetProperty("event").GetString());
            var error = await extra.ReceiveAsync();
            Assert.Equal("Too many connections: a user may hold at most 16 at once.", error.GetProperty("data").GetProperty("error").GetString());
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, await extra.WaitForCloseAsync());
            await clients[0].SendAsync("web_pipe2\nweb_x\ne\n*\nstill open");
            Assert.Equal("_answer_to_web_x", (await clients[0].ReceiveAsync()).GetProperty("pipe").GetString());
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task The_limit_is_configurable()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string> { ["Comet:Limits:MaxConnectionsPerUser"] = "1" });
        await gateway.Engine().Users.SetHashAsync(0, 42, "h42");
        await using var first = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path("h42", 42));

        await using var second = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path("h42", 42));

        Assert.Equal("Too many connections: a user may hold at most 1 at once.", (await second.ReceiveAsync()).GetProperty("data").GetProperty("error").GetString());
    }

    [Fact]
    public async Task Deleting_the_users_auth_row_closes_the_users_connections()
    {
        await using var gateway = await TestGateway.StartAsync();
        await gateway.Engine().Users.SetHashAsync(0, 51, "h51");
        await using var user = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path("h51", 51));
        await using var other = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());

        await gateway.Engine().Users.DeleteHashAsync(0, 51);
        await gateway.Engine().Bus.CloseUserAsync(0, 51, null);

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await user.WaitForCloseAsync());
        Assert.Equal("The user's authorisation was revoked.", user.CloseStatusDescription);
        Assert.Equal(WebSocketState.Open, other.State);
    }

    [Fact]
    public async Task User_data_answers_with_the_stored_text()
    {
        await using var gateway = await TestGateway.StartAsync();
        await gateway.Engine().Users.SetDataAsync(0, 61, "{\"name\":\"Ann\"}");
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());

        await client.SendAsync("user_data\nmarker0001\n61");
        await client.SendAsync("user_data\nmarker0002\n62");

        Assert.Equal("{\"data\":{\"user_data\":\"{\\\"name\\\":\\\"Ann\\\"}\",\"user_id\":61},\"event\":\"answer\",\"marker\":\"marker0001\",\"message_send_time\":0,\"pipe\":\"_answer\"}",
            (await client.ReceiveAsync()).WithoutTime());
        Assert.Equal("", (await client.ReceiveAsync()).GetProperty("data").GetProperty("user_data").GetString());
    }
}
