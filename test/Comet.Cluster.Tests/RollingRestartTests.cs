using Comet.Testing;
using Comet.Testing.Clients;

namespace Comet.Cluster.Tests;

/// <summary>
/// <c>scripts/cluster.sh restart-rolling</c> under traffic: every gateway gets SIGTERM in turn, drains,
/// restarts and is routed again before the next. Browsers on wss reconnect (as the JS client does) and a
/// backend keeps sending personal messages over CometQL; no confirmed message may be lost.
/// </summary>
[Collection(LocalClusterCollection.Name)]
public sealed class RollingRestartTests(LocalCluster cluster)
{
    private const int Users = 6;
    private const long FirstUser = 8001;

    [Fact]
    public async Task Rolling_restart_under_traffic_loses_no_personal_message_and_every_client_reconnects()
    {
        var users = Enumerable.Range(0, Users).Select(u => FirstUser + u).ToList();
        await using (var setup = await CometQLBackend.OpenAsync(cluster.ConnectionString))
        {
            foreach (var user in users)
            {
                await setup.ExecuteAsync($"INSERT INTO users_auth (id, hash) VALUES ({user}, 'h{user}')");
            }
        }
        using var stop = new CancellationTokenSource();
        var browsers = users.Select(u => new ReconnectingBrowser(cluster.WssUri, u, "h" + u, "seq", cluster.TrustCertificate)).ToList();
        var running = browsers.Select(b => b.RunAsync(stop.Token)).ToList();
        foreach (var browser in browsers)
        {
            await browser.Connected.WaitAsync(TimeSpan.FromSeconds(60));
        }

        var sender = new PersonalMessageSender(cluster.ConnectionString, users, "seq");
        using var stopSending = new CancellationTokenSource();
        var sending = sender.RunAsync(stopSending.Token);

        var restart = await cluster.RunAsync(["restart-rolling"], TimeSpan.FromMinutes(10));
        Assert.True(restart.ExitCode == 0, "restart-rolling failed: " + restart + cluster.Logs());
        await Task.Delay(1000);
        await stopSending.CancelAsync();
        var rounds = await sending;
        Assert.True(rounds > 3, $"only {rounds} rounds of messages were sent during the restart");

        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var browser in browsers)
        {
            var expected = sender.SentTo(browser.UserId);
            var lost = await Wait.ReadUntilAsync(() => Task.FromResult(expected.Except(browser.Received).Order().ToList()), l => l.Count == 0, deadline - DateTime.UtcNow);
            Assert.True(lost.Count == 0,
                $"user {browser.UserId} never received {lost.Count} of {expected.Count} messages: {string.Join(", ", lost.Take(20))}" + cluster.Logs());
            // Every node restarted, so every browser lost its node once and came back.
            Assert.True(browser.Reconnects >= 1, $"user {browser.UserId} never reconnected");
            Assert.True(browser.IsConnected, $"user {browser.UserId} is not connected at the end");
        }
        await stop.CancelAsync();
        await Task.WhenAll(running);
    }
}
