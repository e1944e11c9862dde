using System.Globalization;
using Comet.Testing;
using Comet.Testing.Clients;
using Comet.Testing.Redis;

namespace Comet.Redis.Tests.EndToEnd;

/// <summary>
/// A gateway keeps telling Redis what its browsers changed until Redis takes it. Here Redis refuses every
/// write (<c>min-replicas-to-write</c> with no replica: what a master that lost its replicas answers,
/// NOREPLICAS) while a browser subscribes, unsubscribes or leaves; once Redis takes writes again, every
/// node sees the change, and the browser never sends anything again. The lease is long, so neither a
/// reaper nor a registration under a new id can be what fixed it. (Comet.Node.Tests drives the same
/// with an engine that fails on demand: EngineAgreementTests.)
/// </summary>
public sealed class NodeAgreementTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const string NotTaken = "did not take a change";

    private static readonly Dictionary<string, string> LongLease = new()
    {
        ["Comet:Redis:NodeLeaseTtl"] = "00:01:00",
    };

    [Fact]
    public async Task A_subscription_Redis_refused_reaches_it_once_Redis_takes_writes_again()
    {
        await using var cluster = await GatewayProcessCluster.StartAsync(redis.Server.Configuration, 2, LongLease);
        var (n1, n2) = (cluster.Nodes[0], cluster.Nodes[1]);
        await using var browser = await CometWebSocketClient.ConnectAndGreetAsync(n1, CometWebSocketClient.Path(uuid: "refused"));

        await using (await RefuseWritesAsync())
        {
            await browser.SendAsync("subscription\nweb_refused");
            await n1.WaitForOutputAsync(NotTaken, TimeSpan.FromSeconds(10));
            Assert.Equal(0, await CountAsync(n2, "web_refused"));
        }

        await Wait.UntilAsync(() => CountAsync(n2, "web_refused"), n => n == 1, "the refused subscription to reach Redis");
        Assert.Equal(["refused"], (await CometQLBackend.RowsAsync(n2, "SELECT * FROM users_in_pipes WHERE name = 'web_refused'")).Select(r => r[2]));
        // The node listened all along: a message published on the other node reaches the browser.
        await CometQLBackend.ExecuteAsync(n2, "INSERT INTO pipes_messages (name, event, message) VALUES ('web_refused', 'e', 'through')");
        var message = await browser.WaitForPipeAsync("web_refused");
        Assert.Equal("through", message.GetProperty("data").GetString());
    }

    [Fact]
    public async Task A_removal_Redis_refused_reaches_it_once_Redis_takes_writes_again()
    {
        await using var cluster = await GatewayProcessCluster.StartAsync(redis.Server.Configuration, 2, LongLease);
        var (n1, n2) = (cluster.Nodes[0], cluster.Nodes[1]);
        await using var browser = await CometWebSocketClient.ConnectAndGreetAsync(n1, CometWebSocketClient.Path(uuid: "moving"));
        await browser.SendAsync("subscription\nweb_left");
        await Wait.UntilAsync(() => CountAsync(n2, "web_left"), n => n == 1, "the first subscription to count");

        await using (await RefuseWritesAsync())
        {
            await browser.SendAsync("subscription\nweb_joined");
            await n1.WaitForOutputAsync(NotTaken, TimeSpan.FromSeconds(10));
            Assert.Equal(1, await CountAsync(n2, "web_left"));
        }

        // The change reaches Redis as one removal, then one addition.
        await Wait.UntilAsync(async () => (await CountAsync(n2, "web_left"), await CountAsync(n2, "web_joined")), counts => counts == (0, 1),
            "the refused removal (and the addition after it) to reach Redis");
    }

    [Fact]
    public async Task A_departure_Redis_refused_reaches_it_once_Redis_takes_writes_again()
    {
        await using var cluster = await GatewayProcessCluster.StartAsync(redis.Server.Configuration, 2, LongLease);
        var (n1, n2) = (cluster.Nodes[0], cluster.Nodes[1]);
        await CometQLBackend.ExecuteAsync(n2, "INSERT INTO users_auth (id, hash) VALUES (70, 'hash70')");
        var browser = await CometWebSocketClient.ConnectAndGreetAsync(n1, CometWebSocketClient.Path("hash70", 70));
        await browser.SendAsync("subscription\nweb_departed");
        await Wait.UntilAsync(() => CountAsync(n2, "web_departed"), n => n == 1, "the subscription to count");

        await using (await RefuseWritesAsync())
        {
            await browser.DisposeAsync();
            await n1.WaitForOutputAsync(NotTaken, TimeSpan.FromSeconds(10));
            Assert.Equal([["70", "0"]], await CometQLBackend.RowsAsync(n2, "SELECT id, time FROM users_time WHERE id = 70"));
        }

        await Wait.UntilAsync(() => CountAsync(n2, "web_departed"), n => n == 0, "the refused departure to reach Redis");
        await Wait.UntilAsync(() => CometQLBackend.RowsAsync(n2, "SELECT id, time FROM users_time WHERE id = 70"),
            rows => rows[0][1] != "0", "the user to go offline");
    }

    private static async Task<long> CountAsync(GatewayProcess node, string pipe)
    {
        var rows = await CometQLBackend.RowsAsync(node, $"SELECT * FROM pipes WHERE name IN ('{pipe}')");
        return long.Parse(rows[0][1]!, CultureInfo.InvariantCulture);
    }

    /// <summary>Makes Redis refuse every write until the result is disposed.</summary>
    private async Task<IAsyncDisposable> RefuseWritesAsync()
    {
        await RespClient.ExecuteAsync(redis.Server.Port, "CONFIG", "SET", "min-replicas-to-write", "1");
        return new Refusal(redis.Server.Port);
    }

    private sealed class Refusal(int port) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() =>
            await RespClient.ExecuteAsync(port, "CONFIG", "SET", "min-replicas-to-write", "0");
    }
}
