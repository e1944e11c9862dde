using Comet.Core.Messages;
using Comet.Testing;
using Comet.WebSockets.Tests.Support;

namespace Comet.WebSockets.Tests;

public sealed class PipeCommandTests
{
    [Fact]
    public async Task A_subscriber_gets_backend_pipe_messages_in_CppComets_exact_shape()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());
        await client.SendAsync("subscription\nweb_news\nweb_other");
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["web_news"]))[0].Count == 1, "subscribed");

        await gateway.Engine().Bus.PublishAsync(0, new CometMessage("web_news", "flash", "{\"a\":1}", SendTime: DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

        var message = await client.ReceiveAsync();
        Assert.Equal("{\"data\":\"{\\\"a\\\":1}\",\"event\":\"flash\",\"message_send_time\":0,\"pipe\":\"web_news\"}", message.WithoutTime());
    }

    [Fact]
    public async Task Messages_of_another_dev_id_do_not_arrive()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path(devId: 1));
        await client.SendAsync("subscription\nweb_news");
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(1, ["web_news"]))[0].Count == 1, "subscribed");

        await gateway.Engine().Bus.PublishAsync(0, new CometMessage("web_news", "e", "for dev 0"));

        await client.AssertSilentAsync();
    }

    [Fact]
    public async Task Subscription_replaces_the_whole_set()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());
        await client.SendAsync("subscription\nweb_a\nweb_b");
        await client.SendAsync("subscription\nweb_b\nweb_c");
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["web_c"]))[0].Count == 1, "subscribed");

        var counts = await gateway.Engine().Presence.CountSubscribersAsync(0, ["web_a", "web_b", "web_c"]);

        Assert.Equal([0L, 1L, 1L], counts.Select(c => c.Count));
    }

    [Fact]
    public async Task Web_pipe2_reaches_the_other_subscribers_but_not_the_sender_who_gets_the_answer()
    {
        await using var gateway = await TestGateway.StartAsync();
        await gateway.Engine().Users.SetHashAsync(0, 3, "hash3");
        await using var sender = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path("hash3", 3));
        await using var receiver = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());
        await sender.SendAsync("subscription\nweb_chat");
        await receiver.SendAsync("subscription\nweb_chat");
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["web_chat"]))[0].Count == 2, "both subscribed");

        await sender.SendAsync("web_pipe2\nweb_chat\nsay\n*\n{\"text\":\"hi 'there'\"}");

        var answer = await sender.ReceiveAsync();
        Assert.Equal(
            "{\"data\":{\"message\":\"{\\\"text\\\":\\\"hi 'there'\\\"}\",\"number_messages\":1},\"event\":\"answer\",\"message_send_time\":0,\"pipe\":\"_answer_to_web_chat\"}",
            answer.WithoutTime());
        var received = await receiver.ReceiveAsync();
        Assert.Equal(
            "{\"data\":\"{\\\"text\\\":\\\"hi 'there'\\\"}\",\"event\":\"say\",\"message_send_time\":0,\"pipe\":\"web_chat\",\"user_id\":3}",
            received.WithoutTime());
        await sender.AssertSilentAsync();
    }

    [Fact]
    public async Task At_web_pipes_are_sent_anonymously()
    {
        await using var gateway = await TestGateway.StartAsync();
        await gateway.Engine().Users.SetHashAsync(0, 3, "hash3");
        await using var sender = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path("hash3", 3));
        await using var receiver = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());
        await receiver.SendAsync("subscription\nweb_anon");
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["web_anon"]))[0].Count == 1, "subscribed");

        await sender.SendAsync("web_pipe2\n@web_anon\nev\n*\nsecret admirer");

        var answer = await sender.ReceiveAsync();
        Assert.Equal("_answer_to_web_anon", answer.GetProperty("pipe").GetString());
        Assert.Equal(1, answer.GetProperty("data").GetProperty("number_messages").GetInt32());
        var received = await receiver.ReceiveAsync();
        Assert.Equal(0, received.GetProperty("user_id").GetInt64());
        Assert.Equal("secret admirer", received.GetProperty("data").GetString());
    }

    [Fact]
    public async Task Webauth_pipes_refuse_anonymous_senders_and_accept_authorised_ones()
    {
        await using var gateway = await TestGateway.StartAsync();
        await gateway.Engine().Users.SetHashAsync(0, 3, "hash3");
        await using var anonymous = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());
        await using var user = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path("hash3", 3));

        await anonymous.SendAsync("web_pipe2\nwebauth_room\nev\n*\nhello");
        await user.SendAsync("web_pipe2\nwebauth_room\nev\n*\nhello");

        var error = await anonymous.ReceiveAsync();
        Assert.Equal(
            "{\"data\":{\"error\":\"[webauth_pipe_msg2] Invalid user auth. In to channel with name like webauth_* can not send messages anonim users\",\"number_messages\":-1},\"event\":\"error\",\"message_send_time\":0,\"pipe\":\"sys\"}",
            error.WithoutTime());
        var answer = await user.ReceiveAsync();
        Assert.Equal("_answer_to_webauth_room", answer.GetProperty("pipe").GetString());
    }

    [Theory]
    [InlineData("web_pipe2\nnews\nev\n*\nx", "[pipe_msg2] Invalid channel name. The channel should begin with web_")]
    [InlineData("web_pipe2\ntrust_x\nev\n*\nx", "[pipe_msg2] Invalid channel name. The channel should begin with web_")]
    [InlineData("web_pipe2\nweb_a b\nev\n*\nx", "The channel name can only contain characters A-Za-z0-9_-")]
    [InlineData("web_pipe2\nweb_ok\nbad event\n*\nx", "The event name can only contain characters A-Za-z0-9_-")]
    [InlineData("web_pipe2\nweb_ok\nev\n**\nx", "Invalid value auth_type")]
    public async Task Web_pipe2_errors_are_sys_events_and_the_connection_stays_open(string command, string text)
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());

        await client.SendAsync(command);

        var error = await client.ReceiveAsync();
        Assert.Equal("sys", error.GetProperty("pipe").GetString());
        Assert.Equal("error", error.GetProperty("event").GetString());
        Assert.Equal(text, error.GetProperty("data").GetProperty("error").GetString());
        Assert.Equal(-1, error.GetProperty("data").GetProperty("number_messages").GetInt32());
        await client.SendAsync("web_pipe2\nweb_ok\nev\n*\nstill here");
        Assert.Equal("_answer_to_web_ok", (await client.ReceiveAsync()).GetProperty("pipe").GetString());
    }

    [Fact]
    public async Task Pipe_log_replays_the_logged_messages_oldest_first_to_the_asker_only()
    {
        await using var gateway = await TestGateway.StartAsync();
        var engine = gateway.Engine();
        await engine.Pipes.SetLogLengthAsync(0, "web_log", 2);
        for (var i = 1; i <= 3; i++)
        {
            await engine.Bus.PublishAsync(0, new CometMessage("web_log", "e" + i, "m" + i, UserId: i, SendTime: 1000 + i));
        }
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());

        await client.SendAsync("pipe_log\nweb_log\nmarker1234\n");

        Assert.Equal("{\"data\":\"m2\",\"event\":\"e2\",\"fromQueue\":true,\"message_send_time\":1002,\"pipe\":\"web_log\",\"user_id\":2}", await client.ReceiveTextAsync());
        Assert.Equal("{\"data\":\"m3\",\"event\":\"e3\",\"fromQueue\":true,\"message_send_time\":1003,\"pipe\":\"web_log\",\"user_id\":3}", await client.ReceiveTextAsync());
        await client.AssertSilentAsync();
    }

    [Fact]
    public async Task Web_pipe2_messages_are_logged_when_the_pipe_logs()
    {
        await using var gateway = await TestGateway.StartAsync();
        await gateway.Engine().Pipes.SetLogLengthAsync(0, "web_logged", 10);
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());
        await client.SendAsync("web_pipe2\nweb_logged\nev\n*\nkept");
        await client.ReceiveAsync();

        var log = await gateway.Engine().Pipes.GetLogAsync(0, "web_logged", 10);

        Assert.Equal("kept", Assert.Single(log).Message);
    }

    [Theory]
    [InlineData("pipe_log\nbad pipe\nm\n", "Invalid channel name.")]
    [InlineData("pipe_log\nweb_ok\nbad marker\n", "Invalid marker value.")]
    public async Task Pipe_log_argument_errors(string command, string text)
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());

        await client.SendAsync(command);

        Assert.Equal(text, (await client.ReceiveAsync()).GetProperty("data").GetProperty("error").GetString());
    }

    [Fact]
    public async Task Pipe_count_answers_with_the_cluster_count_and_the_marker()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var a = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());
        await using var b = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());
        await a.SendAsync("subscription\nweb_room");
        await b.SendAsync("subscription\nweb_room");
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["web_room"]))[0].Count == 2, "both subscribed");

        await a.SendAsync("pipe_count\nweb_room\nabcdefghij\n");

        Assert.Equal(
            "{\"data\":[\"user_in_pipe\",2],\"event\":\"user_in_pipe\",\"marker\":\"abcdefghij\",\"message_send_time\":0,\"pipe\":\"_answer_pipe_count\"}",
            (await a.ReceiveAsync()).WithoutTime());
    }

    [Fact]
    public async Task Pipe_count_only_counts_web_and_track_pipes()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());

        await client.SendAsync("pipe_count\nprivate_room\nm1\n");

        Assert.Equal("[pipe_count] Invalid channel name. The channel should start with web_",
            (await client.ReceiveAsync()).GetProperty("data").GetProperty("error").GetString());
    }

    [Fact]
    public async Task Private_pipes_need_an_authorised_user()
    {
        await using var gateway = await TestGateway.StartAsync();
        await gateway.Engine().Users.SetHashAsync(0, 4, "hash4");
        await using var anonymous = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());
        await using var user = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path("hash4", 4));

        await anonymous.SendAsync("subscription\nprivate_room\nweb_public");
        await user.SendAsync("subscription\nprivate_room");
        var error = await anonymous.ReceiveAsync();
        Assert.Contains("private_room", error.GetProperty("data").GetProperty("error").GetString(), StringComparison.Ordinal);
        await Wait.UntilAsync(async () =>
        {
            var counts = await gateway.Engine().Presence.CountSubscribersAsync(0, ["private_room", "web_public"]);
            return counts[0].Count == 1 && counts[1].Count == 1;
        }, "only the user is in private_room and the anonymous client still joined web_public");

        await gateway.Engine().Bus.PublishAsync(0, new CometMessage("private_room", "e", "for members"));

        Assert.Equal("for members", (await user.ReceiveAsync()).GetProperty("data").GetString());
        await anonymous.AssertSilentAsync();
    }

    [Fact]
    public async Task Too_many_subscriptions_keep_the_first_32_and_report_an_error()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());
        var pipes = Enumerable.Range(0, 33).Select(i => "web_p" + i).ToList();

        await client.SendAsync("subscription\n" + string.Join("\n", pipes));

        var error = await client.ReceiveAsync();
        Assert.Equal("{\"data\":{\"code\":\"403\",\"error\":\"Too many letters\"},\"event\":\"error\",\"message_send_time\":0,\"pipe\":\"sys\"}", error.WithoutTime());
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["web_p31"]))[0].Count == 1, "the 32nd is subscribed");
        Assert.Equal(0, (await gateway.Engine().Presence.CountSubscribersAsync(0, ["web_p32"]))[0].Count);
    }

    [Fact]
    public async Task A_channel_name_over_64_characters_is_refused()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());

        await client.SendAsync("subscription\nweb_" + new string('x', 61));

        Assert.Equal("Channel name is too long", (await client.ReceiveAsync()).GetProperty("data").GetProperty("error").GetString());
    }

    [Fact]
    public async Task Trust_pipes_replay_their_recent_log_to_a_new_subscriber()
    {
        await using var gateway = await TestGateway.StartAsync();
        await gateway.Engine().Bus.PublishAsync(0, new CometMessage("trust_feed", "e", "earlier", UserId: 0, SendTime: 1234));
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());

        await client.SendAsync("subscription\ntrust_feed");

        Assert.Equal("{\"data\":\"earlier\",\"event\":\"e\",\"fromQueue\":true,\"message_send_time\":1234,\"pipe\":\"trust_feed\",\"user_id\":0}",
            await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Statistics_and_cgi_call_are_accepted_silently()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());

        await client.SendAsync("statistics\n{\"url\":\"http://site\",\"dev_id\":0,\"version\":\"4.08\"}");
        await client.SendAsync("cgi_call\nanything");
        await client.SendAsync("CometQL_call\nm1\nnot.a.jwt");

        await client.AssertSilentAsync();
    }
}
