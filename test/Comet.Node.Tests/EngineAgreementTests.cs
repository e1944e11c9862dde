using Comet.Core.Engine;

namespace Comet.Node.Tests;

/// <summary>
/// The node is the one owner of its clients' subscriptions and brings the engine to agree with it: it
/// listens from the first local subscriber to the last, and repeats what the engine refused until it
/// takes it, without the client sending anything again. (Comet.Redis.Tests drives the same failures on a
/// real Redis: NodeAgreementTests.)
/// </summary>
public sealed class EngineAgreementTests
{
    [Fact]
    public async Task The_node_listens_to_a_pipe_from_its_first_local_subscriber_to_its_last()
    {
        await using var test = await TestNode.StartAsync();
        var a = await test.ConnectAsync(1);
        var b = await test.ConnectAsync(1);

        await test.Node.SetSubscriptionsAsync(a, ["web_x"]);
        await test.Node.SetSubscriptionsAsync(b, ["web_x"]);
        Assert.Equal(1, test.Engine.Calls("ListenToPipeAsync"));
        Assert.Equal(1, test.Engine.Listening);

        await test.Node.SetSubscriptionsAsync(a, []);
        Assert.Equal(1, test.Engine.Listening);
        await test.Node.DisconnectAsync(b);
        await Wait.UntilAsync(() => test.Engine.Listening, n => n == 0, "the node to stop listening after the last subscriber");

        // Users the same way: listening while the node holds clients of the user.
        var user = await test.ConnectAsync(1, userId: 7);
        Assert.Equal((1, 1), (test.Engine.Calls("ListenToUserAsync"), test.Engine.Listening));
        await test.Node.DisconnectAsync(user);
        await Wait.UntilAsync(() => test.Engine.Listening, n => n == 0, "the node to stop listening to the user");
    }

    [Fact]
    public async Task A_subscription_the_engine_refused_reaches_it_without_the_client_sending_it_again()
    {
        await using var test = await TestNode.StartAsync();
        var client = await test.ConnectAsync(1);
        test.Engine.Fail("UpdateSubscriptionsAsync");

        var change = await test.Node.SetSubscriptionsAsync(client, ["web_x"]);

        // Local delivery works at once; the engine does not know yet.
        Assert.Equal(["web_x"], change.Added);
        Assert.Equal(0L, await test.CountAsync(1, "web_x"));
        Assert.Equal(1, test.Node.ChangesWaitingForTheEngine);

        test.Engine.Heal();
        await Wait.UntilAsync(() => test.CountAsync(1, "web_x"), n => n == 1, "the refused subscription to reach the engine");
        await Wait.UntilAsync(() => test.Node.ChangesWaitingForTheEngine, n => n == 0, "nothing left to retry");
    }

    [Fact]
    public async Task A_removal_the_engine_refused_reaches_it_later()
    {
        await using var test = await TestNode.StartAsync();
        var client = await test.ConnectAsync(1);
        await test.Node.SetSubscriptionsAsync(client, ["web_x", "web_y"]);
        test.Engine.Fail("UpdateSubscriptionsAsync", times: 3);

        await test.Node.SetSubscriptionsAsync(client, ["web_y"]);

        Assert.Equal(1L, await test.CountAsync(1, "web_x"));
        await Wait.UntilAsync(() => test.CountAsync(1, "web_x"), n => n == 0, "the refused removal to reach the engine");
        Assert.Equal(1L, await test.CountAsync(1, "web_y"));
    }

    [Fact]
    public async Task A_disconnect_the_engine_refused_reaches_it_later()
    {
        await using var test = await TestNode.StartAsync();
        var client = await test.ConnectAsync(1, userId: 5);
        await test.Node.SetSubscriptionsAsync(client, ["web_x"]);
        test.Engine.Fail("DisconnectAsync", times: 2);

        await test.Node.DisconnectAsync(client);

        Assert.Equal(0, test.Node.ClientCount);
        Assert.Equal(0L, (await test.Engine.Presence.GetUserTimesAsync(1, [5]))[0].Time);
        await Wait.UntilAsync(() => test.Engine.Presence.GetUserTimesAsync(1, [5]), t => t[0].Time > 0, "the user to go offline in the engine");
        Assert.Equal(0L, await test.CountAsync(1, "web_x"));
    }

    [Fact]
    public async Task A_pipe_the_node_could_not_listen_to_is_listened_to_and_registered_later()
    {
        await using var test = await TestNode.StartAsync();
        var client = await test.ConnectAsync(1);
        test.Engine.Fail("ListenToPipeAsync", times: 2);

        await test.Node.SetSubscriptionsAsync(client, ["web_x"]);

        // Registered only once the node listens: a registered subscriber that the node does not listen
        // for would miss what other nodes publish.
        Assert.Equal(0L, await test.CountAsync(1, "web_x"));
        Assert.Equal(0, test.Engine.Calls("UpdateSubscriptionsAsync"));
        await Wait.UntilAsync(() => test.CountAsync(1, "web_x"), n => n == 1, "the subscription to be registered after listening");
        Assert.Equal(1, test.Engine.Listening);
    }

    [Fact]
    public async Task Nothing_reaches_the_engine_for_a_client_after_it_disconnected()
    {
        await using var test = await TestNode.StartAsync();
        var client = await test.ConnectAsync(1);
        test.Engine.Fail("UpdateSubscriptionsAsync", times: 1);
        await test.Node.SetSubscriptionsAsync(client, ["web_x"]);

        await test.Node.DisconnectAsync(client);
        var change = await test.Node.SetSubscriptionsAsync(client, ["web_y"]);
        await Task.Delay(600); // longer than the first retry

        Assert.Same(SubscriptionChange.None, change);
        Assert.Equal([new PipeCount("web_x", 0), new PipeCount("web_y", 0)], await test.Engine.Presence.CountSubscribersAsync(1, ["web_x", "web_y"]));
        Assert.Equal(0, test.Node.ChangesWaitingForTheEngine);
    }

    [Fact]
    public async Task A_connect_the_engine_refused_leaves_nothing_behind()
    {
        await using var test = await TestNode.StartAsync();
        var client = TestClients.Create(1, userId: 5);
        test.Engine.Fail("ConnectAsync", times: 1);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => test.Node.ConnectAsync(client));

        Assert.Equal(0, test.Node.ClientCount);
        Assert.False(test.Node.Local.HasUser(1, 5));
        await Wait.UntilAsync(() => test.Engine.Listening, n => n == 0, "the node to stop listening to the user");
        // The engine may have registered it before failing: the node tells it that the client left.
        Assert.Equal(1, test.Engine.Calls("DisconnectAsync"));
    }

    [Fact]
    public async Task A_client_over_the_users_connection_limit_is_not_kept()
    {
        await using var test = await TestNode.StartAsync(limits => limits.MaxConnectionsPerUser = 1);
        await test.ConnectAsync(1, userId: 5);
        var second = TestClients.Create(1, userId: 5);

        var result = await test.Node.ConnectAsync(second);

        Assert.False(result.Accepted);
        Assert.Equal(1, test.Node.ClientCount);
        Assert.Single(test.Node.Local.ClientsOf(1, 5));
    }

    [Fact]
    public async Task The_engine_counts_a_client_as_local_from_the_moment_it_is_asked_to_register_it()
    {
        await using var test = await TestNode.StartAsync();
        test.Engine.Fail("ListenToUserAsync", times: 1);
        var refused = TestClients.Create(1, userId: 5);

        // Listening to the user failed: the engine was never asked to register the client, and never saw it.
        await Assert.ThrowsAsync<StorageUnavailableException>(() => test.Node.ConnectAsync(refused));
        Assert.Equal((0, 0), (test.Engine.Calls("ConnectAsync"), test.Engine.Calls("DisconnectAsync")));

        var client = await test.ConnectAsync(1, userId: 5);
        await test.Node.SetSubscriptionsAsync(client, ["web_x"]);
        Assert.Equal([client.Record], test.Node.Local.ClientsOf(1, 5));
        var local = Assert.Single(test.Node.Local.Subscriptions());
        Assert.Equal(client.Record, local.Client);
        Assert.Equal(["web_x"], local.Pipes);
    }
}
