using Comet.Core.Messages;

namespace Comet.Node.Tests;

/// <summary>The node's one index of its clients: delivery by pipe and user, subscription changes, leaving.</summary>
public sealed class LocalClientsTests
{
    [Fact]
    public async Task A_pipe_message_reaches_each_subscriber_once_and_skips_the_excluded_client()
    {
        await using var test = await TestNode.StartAsync();
        var a = await test.ConnectAsync(1);
        var b = await test.ConnectAsync(1);
        await test.Node.SetSubscriptionsAsync(a, ["web_x"]);
        await test.Node.SetSubscriptionsAsync(b, ["web_x"]);

        test.Node.Local.DeliverToPipe(1, new CometMessage("web_x", "e", "d", ExcludeConnectionId: a.Id));

        Assert.Empty(a.Received().Messages);
        Assert.Equal("d", Assert.Single(b.Received().Messages).Data);
    }

    [Fact]
    public async Task Subscription_changes_are_reported_as_a_difference_and_the_engine_learns_only_it()
    {
        await using var test = await TestNode.StartAsync();
        var a = await test.ConnectAsync(1);

        var first = await test.Node.SetSubscriptionsAsync(a, ["web_1", "web_2"]);
        var again = await test.Node.SetSubscriptionsAsync(a, ["web_1", "web_2"]);
        var changed = await test.Node.SetSubscriptionsAsync(a, ["web_2", "web_3"]);

        Assert.Equal(["web_1", "web_2"], first.Added);
        Assert.Same(SubscriptionChange.None, again);
        Assert.Equal(["web_3"], changed.Added);
        Assert.Equal(["web_1"], changed.Removed);
        Assert.Equal(2, test.Engine.Calls("UpdateSubscriptionsAsync"));
        var counts = await test.Engine.Presence.CountSubscribersAsync(1, ["web_1", "web_2", "web_3"]);
        Assert.Equal([0L, 1L, 1L], counts.Select(c => c.Count));
    }

    [Fact]
    public async Task Closing_a_user_closes_all_or_only_the_clients_with_the_credential()
    {
        await using var test = await TestNode.StartAsync();
        var withToken = await test.ConnectAsync(1, userId: 5, credential: "jwt1");
        var withHash = await test.ConnectAsync(1, userId: 5, credential: "hash");
        var otherDev = await test.ConnectAsync(2, userId: 5, credential: "jwt1");

        test.Node.Local.CloseUser(1, 5, "jwt1");

        Assert.Equal(CloseReason.AuthorisationRevoked, withToken.Received().Closed);
        Assert.Null(withHash.Received().Closed);
        Assert.Null(otherDev.Received().Closed);
        test.Node.Local.CloseUser(1, 5, null);
        Assert.Equal(CloseReason.AuthorisationRevoked, withHash.Received().Closed);
    }

    [Fact]
    public async Task After_its_credential_is_replaced_a_client_is_closed_by_the_new_one_only()
    {
        await using var test = await TestNode.StartAsync();
        var client = await test.ConnectAsync(1, userId: 5, credential: "old-jwt");

        client.ReplaceCredential("new-jwt");
        test.Node.Local.CloseUser(1, 5, "old-jwt");

        Assert.Null(client.Received().Closed);
        test.Node.Local.CloseUser(1, 5, "new-jwt");
        Assert.Equal(CloseReason.AuthorisationRevoked, client.Received().Closed);
    }

    [Fact]
    public async Task A_client_that_left_gets_nothing_more_and_the_engine_forgets_it()
    {
        await using var test = await TestNode.StartAsync();
        var a = await test.ConnectAsync(1, userId: 5);
        await test.Node.SetSubscriptionsAsync(a, ["web_x"]);

        await test.Node.DisconnectAsync(a);
        await test.Node.DisconnectAsync(a);

        Assert.Equal(0, test.Node.Local.DeliverToUser(1, 5, new CometMessage("msg", "e", "x")));
        test.Node.Local.DeliverToPipe(1, new CometMessage("web_x", "e", "x"));
        Assert.Empty(a.Received().Messages);
        Assert.Equal(0, test.Node.ClientCount);
        Assert.False(test.Node.Local.HasUser(1, 5));
        Assert.Equal(0L, await test.CountAsync(1, "web_x"));
        Assert.Equal(1, test.Engine.Calls("DisconnectAsync"));
        Assert.NotEqual(0, (await test.Engine.Presence.GetUserTimesAsync(1, [5]))[0].Time);
    }

    [Fact]
    public async Task A_client_gets_its_users_messages_from_the_moment_it_is_added()
    {
        await using var test = await TestNode.StartAsync();
        var first = await test.ConnectAsync(1, userId: 5);

        Assert.Equal(1, test.Node.Local.DeliverToUser(1, 5, new CometMessage("msg", "e", "one")));
        var second = await test.ConnectAsync(1, userId: 5);
        Assert.Equal(2, test.Node.Local.DeliverToUser(1, 5, new CometMessage("msg", "e", "two")));

        Assert.Equal(["one", "two"], first.Received().Messages.Select(m => m.Data));
        Assert.Equal(["two"], second.Received().Messages.Select(m => m.Data));
    }
}
