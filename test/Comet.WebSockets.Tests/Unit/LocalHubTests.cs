using System.Text;
using Comet.Core.Engine;
using Comet.Core.Hub;
using Comet.Core.Messages;

namespace Comet.WebSockets.Tests.Unit;

public sealed class LocalHubTests
{
    private static HubConnection Connection(string id, long userId = 0, int devId = 0, int capacity = 16, string? credential = null) =>
        new(new ClientRecord(devId, id, userId, "", "", "", "", "", credential), compat: false, capacity);

    private static List<string> Drain(HubConnection connection)
    {
        var texts = new List<string>();
        while (connection.Outbound.TryRead(out var message))
        {
            texts.Add(Encoding.UTF8.GetString(message.GetBytes(false).Span));
        }
        return texts;
    }

    [Fact]
    public void A_pipe_message_is_encoded_once_and_skips_the_excluded_connection()
    {
        var hub = new LocalHub();
        var a = Connection("n:1");
        var b = Connection("n:2");
        hub.Add(a);
        hub.Add(b);
        hub.SetSubscriptions(a, ["web_x"]);
        hub.SetSubscriptions(b, ["web_x"]);
        a.OpenGate();
        b.OpenGate();

        hub.DeliverToPipe(0, new CometMessage("web_x", "e", "d", ExcludeConnectionId: "n:1"));

        Assert.Empty(Drain(a));
        Assert.Equal(["{\"data\":\"d\",\"event\":\"e\",\"pipe\":\"web_x\"}"], Drain(b));
    }

    [Fact]
    public void Subscription_changes_are_reported_as_a_difference()
    {
        var hub = new LocalHub();
        var a = Connection("n:1");
        hub.Add(a);

        var first = hub.SetSubscriptions(a, ["p1", "p2"]);
        var again = hub.SetSubscriptions(a, ["p1", "p2"]);
        var changed = hub.SetSubscriptions(a, ["p2", "p3"]);

        Assert.Equal(["p1", "p2"], first.Added);
        Assert.Empty(again.Added);
        Assert.Empty(again.Removed);
        Assert.Equal(["p3"], changed.Added);
        Assert.Equal(["p1"], changed.Removed);
        Assert.Equal(0, hub.CountLocalSubscribers(0, "p1"));
        Assert.Equal(1, hub.CountLocalSubscribers(0, "p3"));
    }

    [Fact]
    public void A_gated_connection_holds_live_messages_until_the_gate_opens_and_keeps_their_order()
    {
        var hub = new LocalHub();
        var a = Connection("n:1", userId: 5);
        hub.Add(a);

        Assert.Equal(1, hub.DeliverToUser(0, 5, new CometMessage("msg", "e", "live1")));
        Assert.False(a.Outbound.TryRead(out _));
        a.OpenGate();
        hub.DeliverToUser(0, 5, new CometMessage("msg", "e", "live2"));

        Assert.Equal(["{\"data\":\"live1\",\"event\":\"e\",\"pipe\":\"msg\"}", "{\"data\":\"live2\",\"event\":\"e\",\"pipe\":\"msg\"}"], Drain(a));
    }

    [Fact]
    public void Overflowing_the_queue_requests_a_close_and_counts_a_slow_consumer()
    {
        var hub = new LocalHub();
        var a = Connection("n:1", userId: 5, capacity: 2);
        hub.Add(a);
        a.OpenGate();

        var taken = Enumerable.Range(0, 3).Select(i => hub.DeliverToUser(0, 5, new CometMessage("msg", "e", "m" + i))).ToList();

        Assert.Equal([1, 1, 0], taken);
        Assert.Equal(CloseRequest.SlowConsumer, a.CloseRequested);
        Assert.True(a.Closing.IsCancellationRequested);
        Assert.Equal(1, hub.SlowConsumerDisconnects);
    }

    [Fact]
    public void Close_user_closes_all_or_only_the_connections_with_the_credential()
    {
        var hub = new LocalHub();
        var withToken = Connection("n:1", userId: 5, credential: "jwt1");
        var withHash = Connection("n:2", userId: 5, credential: "hash");
        var otherDev = Connection("n:3", userId: 5, devId: 1, credential: "jwt1");
        hub.Add(withToken);
        hub.Add(withHash);
        hub.Add(otherDev);

        hub.CloseUser(0, 5, "jwt1");

        Assert.Equal(CloseRequest.AuthorisationRevoked, withToken.CloseRequested);
        Assert.Null(withHash.CloseRequested);
        Assert.Null(otherDev.CloseRequested);
        hub.CloseUser(0, 5, null);
        Assert.Equal(CloseRequest.AuthorisationRevoked, withHash.CloseRequested);
    }

    [Fact]
    public void A_removed_connection_gets_nothing_more_and_is_not_a_slow_consumer()
    {
        var hub = new LocalHub();
        var a = Connection("n:1", userId: 5);
        hub.Add(a);
        hub.SetSubscriptions(a, ["web_x"]);
        a.OpenGate();

        hub.Remove(a);

        Assert.Equal(0, hub.DeliverToUser(0, 5, new CometMessage("msg", "e", "x")));
        Assert.False(a.TryEnqueue(OutboundMessage.Shared(new CometMessage("web_x", "e", "x"))));
        Assert.Equal(0, hub.CountLocalSubscribers(0, "web_x"));
        Assert.Equal(0, hub.ConnectionCount);
        Assert.Equal(0, hub.SlowConsumerDisconnects);
    }
}
