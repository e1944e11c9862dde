using System.Net.WebSockets;
using System.Text.Json;
using Comet.Testing;

namespace Comet.CometQL.Tests.Integration;

/// <summary>What CometQL writes reaches real WebSocket clients of the same gateway (and DELETE closes them).</summary>
[Collection(GatewayCollection.Name)]
public sealed class WebSocketDeliveryTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Pipe_and_personal_messages_arrive_and_deleting_the_hash_closes_the_connection()
    {
        await using var client = await CometQLBackend.OpenAsync(fixture.Gateway, "601");
        await client.ExecuteAsync("INSERT INTO users_auth (id, hash) VALUES (1, 'wshash1')");

        await using var socket = await CometWebSocketClient.ConnectAsync(fixture.Gateway,
            CometWebSocketClient.Path("wshash1", userId: 1, devId: 601, uuid: "abcdefghijabcdefghijabcdefghij12"));
        var info = await socket.WaitForAsync(m => m.GetProperty("event").GetString() == "serverInfo", TimeSpan.FromSeconds(10));
        Assert.True(info.GetProperty("authorized").GetBoolean());

        await socket.SendAsync("subscription\nweb_e2e");
        // The subscription is registered asynchronously: publish until the first message arrives.
        var json = "{\"text\":\"it's \\\"here\\\"\"}";
        var escaped = json.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);
        JsonElement pipeMessage = default;
        for (var attempt = 0; attempt < 50 && pipeMessage.ValueKind == JsonValueKind.Undefined; attempt++)
        {
            await client.ExecuteAsync($"INSERT INTO pipes_messages (name, event, message) VALUES ('web_e2e', 'ev', '{escaped}')");
            pipeMessage = await socket.TryWaitForAsync(m => m.GetProperty("pipe").GetString() == "web_e2e", TimeSpan.FromMilliseconds(200)) ?? default;
        }
        Assert.Equal("ev", pipeMessage.GetProperty("event").GetString());
        Assert.Equal(json, pipeMessage.GetProperty("data").GetString());

        Assert.Equal((0, 1L), await client.ExecuteAsync($"INSERT INTO users_messages (id, event, message) VALUES (1, 'newMessage', '{escaped}')"));
        var personal = await socket.WaitForAsync(m => m.GetProperty("pipe").GetString() == "msg", TimeSpan.FromSeconds(10));
        Assert.Equal("newMessage", personal.GetProperty("event").GetString());
        Assert.Equal(json, personal.GetProperty("data").GetString());

        Assert.Equal([["1", "0"]], await client.RowsAsync("SELECT id, time FROM users_time WHERE id = 1"));
        // The node listens to a pipe before it registers the subscription (so nothing published in between
        // is missed): the count may show the subscriber a moment after its first message.
        await Wait.UntilAsync(() => client.RowsAsync("SELECT users FROM pipes WHERE name = 'web_e2e'"), rows => rows[0][0] == "1",
            "the pipe to count its subscriber", TimeSpan.FromSeconds(5));
        var member = Assert.Single(await client.RowsAsync("SELECT name, user_id, user_uuid FROM users_in_pipes WHERE name = 'web_e2e'"));
        Assert.Equal(new string?[] { "web_e2e", "1", "abcdefghijabcdefghijabcdefghij12" }, member);

        await client.ExecuteAsync("DELETE FROM users_auth WHERE id = 1");
        await socket.WaitForCloseAsync(TimeSpan.FromSeconds(10));
        Assert.NotEqual(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task Revoking_a_jwt_closes_the_connection_that_used_it()
    {
        await using var client = await CometQLBackend.OpenAsync(fixture.Gateway, "602");
        var jwt = TablesTests.Jwt(602, userId: 9, DateTimeOffset.UtcNow.AddHours(1));
        await using var socket = await CometWebSocketClient.ConnectAsync(fixture.Gateway,
            CometWebSocketClient.Path(jwt, userId: 9, devId: 602, uuid: "abcdefghijabcdefghijabcdefghij34"));
        var info = await socket.WaitForAsync(m => m.GetProperty("event").GetString() == "serverInfo", TimeSpan.FromSeconds(10));
        Assert.True(info.GetProperty("authorized").GetBoolean());

        Assert.Equal((1, 1L), await client.ExecuteAsync($"INSERT INTO revoked_tokens (token) VALUES ('{jwt}')"));
        await socket.WaitForCloseAsync(TimeSpan.FromSeconds(10));
        Assert.NotEqual(WebSocketState.Open, socket.State);
    }
}
