using System.Net.WebSockets;
using Comet.Testing;
using Comet.WebSockets.Tests.Support;

namespace Comet.WebSockets.Tests;

/// <summary>The protocol on two gateways sharing one real redis-server (the Redis engine).</summary>
public sealed class ClusterTests
{
    private static Task<TestGateway> StartNodeAsync(RedisServer redis, string name) =>
        TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:Redis:Configuration"] = redis.Configuration,
            ["Comet:Redis:Prefix"] = "ws" + redis.Port,
            ["Comet:NodeName"] = name,
        });

    [Fact]
    public async Task Browsers_on_different_nodes_talk_through_pipes_counts_and_personal_messages()
    {
        _ = RequiredTool.RedisServer;
        await using var redis = await RedisServer.StartAsync();
        await using var nodeA = await StartNodeAsync(redis, "node-a");
        await using var nodeB = await StartNodeAsync(redis, "node-b");
        await nodeA.Engine().Users.SetHashAsync(0, 501, "h501");

        await using var onA = await CometWebSocketClient.ConnectAndGreetAsync(nodeA, CometWebSocketClient.Path("h501", 501, uuid: "on-a"));
        await using var onB = await CometWebSocketClient.ConnectAndGreetAsync(nodeB, CometWebSocketClient.Path(uuid: "on-b"));
        await onB.SendAsync("subscription\nweb_cluster\ntrack_cluster");
        await Wait.UntilAsync(async () => (await nodeA.Engine().Presence.CountSubscribersAsync(0, ["track_cluster"]))[0].Count == 1, "node A sees B's subscriber");
        await onA.SendAsync("subscription\ntrack_cluster");

        var joined = await onB.WaitForPipeAsync("track_cluster", "subscription");
        Assert.Equal(501, joined.GetProperty("data").GetProperty("user_id").GetInt64());

        await onA.SendAsync("web_pipe2\nweb_cluster\nhello\n*\nacross nodes");
        var answer = await onA.WaitForPipeAsync("_answer_to_web_cluster");
        Assert.Equal(1, answer.GetProperty("data").GetProperty("number_messages").GetInt32());
        var received = await onB.WaitForPipeAsync("web_cluster");
        Assert.Equal("across nodes", received.GetProperty("data").GetString());
        Assert.Equal(501, received.GetProperty("user_id").GetInt64());

        await onB.SendAsync("pipe_count\ntrack_cluster\ncount00001");
        var count = await onB.WaitForPipeAsync("_answer_pipe_count");
        Assert.Equal(2, count.GetProperty("data")[1].GetInt32());

        await nodeB.Engine().Bus.SendToUserAsync(0, 501, "direct", "via node B");
        Assert.Equal("via node B", (await onA.WaitForPipeAsync("msg", "direct")).GetProperty("data").GetString());
    }

    [Fact]
    public async Task Stopping_one_node_closes_its_clients_with_1012_and_the_other_nodes_see_them_leave()
    {
        _ = RequiredTool.RedisServer;
        await using var redis = await RedisServer.StartAsync();
        await using var nodeB = await StartNodeAsync(redis, "node-b");
        var nodeA = await StartNodeAsync(redis, "node-a");
        var nodeAStopped = false;
        try
        {
            await nodeB.Engine().Users.SetHashAsync(0, 611, "h611");
            await using var watcher = await CometWebSocketClient.ConnectAndGreetAsync(nodeB, CometWebSocketClient.Path(uuid: "watcher"));
            await watcher.SendAsync("subscription\nuser_status_611\ntrack_stop");
            await Wait.UntilAsync(async () => (await nodeA.Engine().Presence.CountSubscribersAsync(0, ["track_stop"]))[0].Count == 1, "node A sees the watcher");

            await using var user = await CometWebSocketClient.ConnectAndGreetAsync(nodeA, CometWebSocketClient.Path("h611", 611, uuid: "on-a"));
            await user.SendAsync("subscription\ntrack_stop");
            Assert.Equal("online", (await watcher.WaitForPipeAsync("user_status_611")).GetProperty("event").GetString());
            await watcher.WaitForPipeAsync("track_stop", "subscription");

            nodeAStopped = true;
            var stopping = nodeA.DisposeAsync().AsTask();
            Assert.Equal((WebSocketCloseStatus)1012, await user.WaitForCloseAsync());
            await stopping;

            var left = await watcher.WaitForPipeAsync("track_stop", "unsubscription");
            Assert.Equal(611, left.GetProperty("data").GetProperty("user_id").GetInt64());
            Assert.Equal("offline", (await watcher.WaitForPipeAsync("user_status_611")).GetProperty("event").GetString());
            Assert.Equal(1, (await nodeB.Engine().Presence.CountSubscribersAsync(0, ["track_stop"]))[0].Count);
            Assert.Equal(WebSocketState.Open, watcher.State);
        }
        finally
        {
            if (!nodeAStopped)
            {
                await nodeA.DisposeAsync();
            }
        }
    }
}
