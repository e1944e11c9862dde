using System.Collections.Concurrent;
using System.Globalization;
using MySqlConnector;

namespace Comet.Hardening.Tests.Faults;

/// <summary>
/// Redis killed and restarted (empty) under a steady stream of personal messages to an online user on
/// another gateway. Each INSERT either succeeds or fails with an error the backend sees; every one that
/// succeeded reaches the user exactly once and in order, before and after the restart, because the
/// gateways re-register their live connections in the new Redis. The backend pauses for the instant of
/// the kill until what it sent arrived: a Redis without persistence that dies loses whatever only it
/// held (an undelivered inbox entry), which is Redis's durability setting (AOF), not the gateway's. (RedisRestartTests in
/// test/Comet.Redis.Tests covers broadcasts, readiness and fail-fast; this adds personal messages.)
/// </summary>
[Collection(HeavyTests.Name)]
public sealed class RedisRestartUnderTrafficTests
{
    private const long User = 77;

    [Fact]
    public async Task Every_personal_message_the_backend_was_told_was_sent_arrives_exactly_once_in_order()
    {
        await using var redis = await RedisServer.StartOwnedAsync();
        var settings = new Dictionary<string, string>
        {
            ["Comet:Redis:Configuration"] = redis.Configuration,
            ["Comet:Redis:Prefix"] = "restart",
        };
        await using var n1 = await GatewayProcess.StartAsync("restart-1", settings);
        await using var n2 = await GatewayProcess.StartAsync("restart-2", settings);
        await CometQLBackend.ExecuteAsync(n1, $"INSERT INTO users_auth (id, hash) VALUES ({User}, 'restart{User}')");
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(n2, CometWebSocketClient.Path($"restart{User}", User));
        var info = client.ServerInfo;
        Assert.True(info.GetProperty("authorized").GetBoolean());

        var sent = new ConcurrentQueue<int>();
        var failed = 0;
        using var stop = new CancellationTokenSource();
        var paused = 0;
        var backend = Task.Run(async () =>
        {
            for (var n = 1; !stop.IsCancellationRequested; n++)
            {
                while (Volatile.Read(ref paused) == 1)
                {
                    await Task.Delay(10);
                }
                try
                {
                    await CometQLBackend.ExecuteAsync(n1, $"INSERT INTO users_messages (id, event, message) VALUES ({User}, 'n', '{n}')");
                    sent.Enqueue(n);
                }
                catch (MySqlException)
                {
                    Interlocked.Increment(ref failed); // the backend knows: "storage unavailable"
                }
                await Task.Delay(20);
            }
        });

        var received = new List<int>();
        await WaitForSentAsync(sent, 50);
        Volatile.Write(ref paused, 1);
        await Task.Delay(100); // an INSERT in progress finishes
        await ReceiveAsync(client, received, sent.ToList());
        redis.Kill();
        Volatile.Write(ref paused, 0);
        await Wait.UntilAsync(() => Task.FromResult(Volatile.Read(ref failed) >= 3), "INSERTs to fail while Redis is down");
        await redis.RestartAsync();
        var before = sent.Count;
        await WaitForSentAsync(sent, before + 100);
        await stop.CancelAsync();
        await backend;

        var expected = sent.ToList();
        await ReceiveAsync(client, received, expected);
        Assert.True(expected.All(received.Contains), $"lost: {string.Join(' ', expected.Except(received))}");
        Assert.Equal(received.Distinct().Count(), received.Count);
        Assert.Equal(received.Order(), received);
        Assert.True(client.IsOpen, "the user's WebSocket stayed open through the Redis restart");
        Assert.Equal("0", (await CometQLBackend.RowsAsync(n1, $"SELECT time FROM users_time WHERE id = {User}"))[0][0]);
    }

    /// <summary>Reads personal messages until every expected number arrived (or 60 s passed).</summary>
    private static async Task ReceiveAsync(CometWebSocketClient client, List<int> received, List<int> expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!expected.All(received.Contains) && DateTime.UtcNow < deadline)
        {
            var message = await client.TryWaitForAsync(m => CometWebSocketClient.IsPipe(m, "msg"), deadline - DateTime.UtcNow);
            if (message is null)
            {
                return;
            }
            received.Add(int.Parse(message.Value.GetProperty("data").GetString()!, CultureInfo.InvariantCulture));
        }
    }

    private static Task WaitForSentAsync(ConcurrentQueue<int> sent, int count) =>
        Wait.UntilAsync(() => Task.FromResult(sent.Count >= count), $"{count} personal messages to be sent", TimeSpan.FromSeconds(120));
}
