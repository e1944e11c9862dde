using Comet.Core.Engine;
using Comet.Redis.Client;
using Comet.Redis.Scripts;
using Comet.Testing;
using Comet.Testing.Redis;
using Microsoft.Extensions.Logging.Abstractions;

namespace Comet.Redis.Tests;

/// <summary>
/// Scripts on the engine's own Redis connections, against a real redis-server: they are used once
/// open, they survive Redis forgetting the scripts, losing the connection and hanging, and a call
/// that found no connection ready goes through StackExchange.Redis instead of failing.
/// </summary>
public sealed class DirectConnectionTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Scripts_go_over_the_engines_own_connection_once_it_is_open()
    {
        var name = NewName();
        await using var client = await RedisClient.ConnectAsync(redis.Options(RedisFixture.NewPrefix()), name, NullLogger.Instance);

        var direct = await WaitForDirectAsync(client, redis.Server.Port, name);

        Assert.Equal("evalsha", direct["cmd"]);
        Assert.Equal("0", direct["db"]);
    }

    [Fact]
    public async Task Concurrent_calls_each_get_their_own_reply_in_the_order_they_were_sent()
    {
        var name = NewName();
        await using var client = await RedisClient.ConnectAsync(redis.Options(RedisFixture.NewPrefix()), name, NullLogger.Instance);
        await WaitForDirectAsync(client, redis.Server.Port, name);

        // Batches form while earlier ones are in flight: every reply must still reach its own caller.
        var values = Enumerable.Range(0, 5_000).Select(i => $"many{i}-{Guid.NewGuid():N}").ToArray();
        var replies = await Task.WhenAll(values.Select(v => SetIfAbsentAsync(client, v)));
        Assert.Equal(values, replies);

        // One key written by many callers at once: the first one sent wins, and everyone sees it.
        var contested = "contested-" + Guid.NewGuid().ToString("N");
        var racers = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            client.EvalAsync(RedisScripts.SetIfAbsent, ["{direct-test}:" + contested], [contested + i])));
        Assert.All(racers, r => Assert.Equal(contested + "0", r.AsString()));
        var direct = await FindClientAsync(redis.Server.Port, name + "-direct");
        Assert.Equal("evalsha", direct?["cmd"]);
    }

    [Fact]
    public async Task With_direct_scripts_off_every_script_goes_through_the_library()
    {
        var name = NewName();
        var options = redis.Options(RedisFixture.NewPrefix());
        options.DirectScripts = false;
        await using var client = await RedisClient.ConnectAsync(options, name, NullLogger.Instance);

        for (var i = 0; i < 50; i++)
        {
            await SetIfAbsentAsync(client, "off" + i);
            await Task.Delay(10);
        }

        Assert.Null(await FindClientAsync(redis.Server.Port, name + "-direct"));
    }

    [Fact]
    public async Task A_script_Redis_forgot_is_loaded_again_on_the_same_connection()
    {
        var name = NewName();
        await using var client = await RedisClient.ConnectAsync(redis.Options(RedisFixture.NewPrefix()), name, NullLogger.Instance);
        var before = await WaitForDirectAsync(client, redis.Server.Port, name);

        await RespClient.ExecuteAsync(redis.Server.Port, "SCRIPT", "FLUSH");
        Assert.Equal("forgot", await SetIfAbsentAsync(client, "forgot"));

        var after = await FindClientAsync(redis.Server.Port, name + "-direct");
        Assert.NotNull(after);
        Assert.Equal(before["id"], after["id"]);
        Assert.Equal("eval", after["cmd"]);
    }

    [Fact]
    public async Task A_killed_connection_is_replaced_and_calls_meanwhile_go_through_the_library()
    {
        var name = NewName();
        await using var client = await RedisClient.ConnectAsync(redis.Options(RedisFixture.NewPrefix()), name, NullLogger.Instance);
        var killed = await WaitForDirectAsync(client, redis.Server.Port, name);

        await RespClient.ExecuteAsync(redis.Server.Port, "CLIENT", "KILL", "ID", killed["id"]);
        // The connection sees its end at once; what is sent after that must not be lost with it.
        await Task.Delay(200);
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal("after-kill" + i, await SetIfAbsentAsync(client, "after-kill" + i));
        }

        var replacement = await WaitForDirectAsync(client, redis.Server.Port, name);
        Assert.NotEqual(killed["id"], replacement["id"]);
    }

    [Fact]
    public async Task A_hung_Redis_fails_the_waiting_call_with_its_outcome_unknown_and_calls_work_again_after()
    {
        var name = NewName();
        var options = redis.Options(RedisFixture.NewPrefix());
        options.OperationTimeout = TimeSpan.FromMilliseconds(600);
        options.DurableTimeout = TimeSpan.FromMilliseconds(100);
        await using var client = await RedisClient.ConnectAsync(options, name, NullLogger.Instance);
        await WaitForDirectAsync(client, redis.Server.Port, name);

        await RespClient.ExecuteAsync(redis.Server.Port, "CLIENT", "PAUSE", "1500", "WRITE");
        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() => SetIfAbsentAsync(client, "hung"));
        Assert.True(failure.OutcomeUnknown, failure.ToString());

        await Task.Delay(1600);
        // The paused script ran once Redis woke up: the caller was told its outcome was unknown, not that it failed.
        Assert.Equal("hung", await SetIfAbsentAsync(client, "hung"));
        await WaitForDirectAsync(client, redis.Server.Port, name);
    }

    [Fact]
    public async Task Users_and_passwords_of_the_configuration_log_the_connection_in()
    {
        await using var server = await RedisServer.StartOwnedAsync("--user", "comet", "on", ">s3cret", "~*", "&*", "+@all");
        var name = NewName();
        var options = redis.Options(RedisFixture.NewPrefix());
        options.Configuration = server.Configuration + ",user=comet,password=s3cret";
        await using var client = await RedisClient.ConnectAsync(options, name, NullLogger.Instance);

        var direct = await WaitForDirectAsync(client, server.Port, name);

        Assert.Equal("comet", direct["user"]);
    }

    private static string NewName() => "direct-test-" + Guid.NewGuid().ToString("N")[..8];

    private static async Task<string?> SetIfAbsentAsync(RedisClient client, string value) =>
        (await client.EvalAsync(RedisScripts.SetIfAbsent, ["{direct-test}:" + value], [value])).AsString();

    /// <summary>Runs scripts until Redis lists a direct connection that ran one, and returns its CLIENT LIST fields.</summary>
    private static async Task<Dictionary<string, string>> WaitForDirectAsync(RedisClient client, int port, string name)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            var value = "probe-" + Guid.NewGuid().ToString("N");
            Assert.Equal(value, await SetIfAbsentAsync(client, value));
            if (await FindClientAsync(port, name + "-direct") is { } direct && direct["cmd"] is "evalsha" or "eval")
            {
                return direct;
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"No connection named {name}-direct ran a script within {Patience.TotalSeconds} s.");
    }

    private static async Task<Dictionary<string, string>?> FindClientAsync(int port, string name)
    {
        var list = (string)(await RespClient.ExecuteAsync(port, "CLIENT", "LIST"))!;
        return list.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ').Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]))
            .FirstOrDefault(fields => fields.GetValueOrDefault("name") == name);
    }
}
