using Comet.Core.Messages;
using Comet.Testing;
using Comet.WebSockets.Tests.Support;

namespace Comet.WebSockets.Tests;

/// <summary>Optional backend authorisation of private channels (off by default).</summary>
public sealed class PrivateChannelBackendTests
{
    private static Dictionary<string, string> Settings(Uri url, string prefix = "private_", string timeout = "00:00:03") => new()
    {
        ["Comet:WebSocket:PrivateChannels:0:Prefix"] = prefix,
        ["Comet:WebSocket:PrivateChannels:0:Url"] = url.ToString(),
        ["Comet:WebSocket:PrivateChannels:0:Timeout"] = timeout,
    };

    [Fact]
    public async Task The_backend_decides_with_a_signed_request_and_the_answer_is_cached_for_the_connection()
    {
        await using var backend = new FakeSiteBackend(TestGateway.Password,
            body => body.GetProperty("pipe").GetString() == "private_team" && body.GetProperty("user_id").GetInt64() == 201);
        await using var gateway = await TestGateway.StartAsync(Settings(backend.Url));
        await gateway.Engine().Users.SetHashAsync(0, 201, "h201");
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path("h201", 201, uuid: "u201"));

        await client.SendAsync("subscription\nprivate_team\nprivate_boss\nweb_public");

        var refused = await client.ReceiveAsync();
        Assert.Equal("Channel private_boss: the backend did not allow this subscription.", refused.GetProperty("data").GetProperty("error").GetString());
        await Wait.UntilAsync(async () =>
        {
            var counts = await gateway.Engine().Presence.CountSubscribersAsync(0, ["private_team", "private_boss", "web_public"]);
            return counts[0].Count == 1 && counts[1].Count == 0 && counts[2].Count == 1;
        }, "allowed pipes subscribed, refused one not");
        await gateway.Engine().Bus.PublishAsync(0, new CometMessage("private_team", "e", "team only"));
        Assert.Equal("team only", (await client.ReceiveAsync()).GetProperty("data").GetString());

        lock (backend.Requests)
        {
            Assert.Equal(2, backend.Requests.Count);
            Assert.All(backend.Requests, r => Assert.True(r.SignatureValid));
            var first = backend.Requests.Single(r => r.Body.GetProperty("pipe").GetString() == "private_team").Body;
            Assert.Equal(0, first.GetProperty("dev_id").GetInt32());
            Assert.Equal(201, first.GetProperty("user_id").GetInt64());
            Assert.Equal("u201", first.GetProperty("uuid").GetString());
        }

        // The JS client re-sends its whole list: no new questions.
        await client.SendAsync("subscription\nprivate_team\nprivate_boss\nweb_public\nweb_more");
        await client.ReceiveAsync();
        lock (backend.Requests)
        {
            Assert.Equal(2, backend.Requests.Count);
        }
    }

    [Fact]
    public async Task An_unreachable_backend_refuses_and_other_prefixes_are_unaffected()
    {
        var deadPort = FreePort.Next();
        await using var gateway = await TestGateway.StartAsync(Settings(new Uri($"http://127.0.0.1:{deadPort}/auth"), prefix: "vip_", timeout: "00:00:01"));
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());

        await client.SendAsync("subscription\nvip_lounge\nweb_lobby");

        Assert.Equal("Channel vip_lounge: the backend did not allow this subscription.",
            (await client.ReceiveAsync()).GetProperty("data").GetProperty("error").GetString());
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["web_lobby"]))[0].Count == 1, "web_lobby subscribed");
    }

    [Fact]
    public async Task A_bad_rule_stops_the_gateway_at_start_with_a_clear_message()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:WebSocket:PrivateChannels:0:Prefix"] = "bad prefix",
            ["Comet:WebSocket:PrivateChannels:0:Url"] = "ftp://example/",
        }));

        Assert.Contains("Prefix must be 1..64 characters", error.Message, StringComparison.Ordinal);
        Assert.Contains("Url must be an absolute http or https URL", error.Message, StringComparison.Ordinal);
    }
}
