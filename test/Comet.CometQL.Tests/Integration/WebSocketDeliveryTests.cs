using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Comet.CometQL.Tests.Integration;

/// <summary>What CometQL writes reaches real WebSocket clients of the same gateway (and DELETE closes them).</summary>
[Collection(GatewayCollection.Name)]
public sealed class WebSocketDeliveryTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Pipe_and_personal_messages_arrive_and_deleting_the_hash_closes_the_connection()
    {
        await using var client = await CometQLClient.OpenAsync(fixture.Gateway, "601");
        await client.ExecuteAsync("INSERT INTO users_auth (id, hash) VALUES (1, 'wshash1')");

        using var socket = new ClientWebSocket();
        var uri = new Uri(fixture.Gateway.WebSocketUri, "/ws/sesion=wshash1&myid=1&devid=601&v=4.08&uuid=abcdefghijabcdefghijabcdefghij12&api=js");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await socket.ConnectAsync(uri, timeout.Token);
        var receiver = new Receiver(socket);
        var info = await receiver.NextAsync(m => m.GetProperty("event").GetString() == "serverInfo", TimeSpan.FromSeconds(10));
        Assert.True(info.GetProperty("authorized").GetBoolean());

        await socket.SendAsync(Encoding.UTF8.GetBytes("subscription\nweb_e2e"), WebSocketMessageType.Text, true, timeout.Token);
        // The subscription is registered asynchronously: publish until the first message arrives.
        var json = "{\"text\":\"it's \\\"here\\\"\"}";
        var escaped = json.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);
        JsonElement pipeMessage = default;
        for (var attempt = 0; attempt < 50 && pipeMessage.ValueKind == JsonValueKind.Undefined; attempt++)
        {
            await client.ExecuteAsync($"INSERT INTO pipes_messages (name, event, message) VALUES ('web_e2e', 'ev', '{escaped}')");
            pipeMessage = await receiver.NextAsync(m => m.GetProperty("pipe").GetString() == "web_e2e", TimeSpan.FromMilliseconds(200));
        }
        Assert.Equal("ev", pipeMessage.GetProperty("event").GetString());
        Assert.Equal(json, pipeMessage.GetProperty("data").GetString());

        Assert.Equal((0, 1L), await client.ExecuteAsync($"INSERT INTO users_messages (id, event, message) VALUES (1, 'newMessage', '{escaped}')"));
        var personal = await receiver.NextAsync(m => m.GetProperty("pipe").GetString() == "msg", TimeSpan.FromSeconds(10));
        Assert.Equal("newMessage", personal.GetProperty("event").GetString());
        Assert.Equal(json, personal.GetProperty("data").GetString());

        Assert.Equal([["1", "0"]], await client.RowsAsync("SELECT id, time FROM users_time WHERE id = 1"));
        Assert.Equal("1", (await client.RowsAsync("SELECT users FROM pipes WHERE name = 'web_e2e'"))[0][0]);
        var member = Assert.Single(await client.RowsAsync("SELECT name, user_id, user_uuid FROM users_in_pipes WHERE name = 'web_e2e'"));
        Assert.Equal(new string?[] { "web_e2e", "1", "abcdefghijabcdefghijabcdefghij12" }, member);

        await client.ExecuteAsync("DELETE FROM users_auth WHERE id = 1");
        await receiver.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotEqual(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task Revoking_a_jwt_closes_the_connection_that_used_it()
    {
        await using var client = await CometQLClient.OpenAsync(fixture.Gateway, "602");
        var jwt = TablesTests.Jwt(602, userId: 9, DateTimeOffset.UtcNow.AddHours(1));
        using var socket = new ClientWebSocket();
        var uri = new Uri(fixture.Gateway.WebSocketUri, $"/ws/sesion={jwt}&myid=9&devid=602&v=4.08&uuid=abcdefghijabcdefghijabcdefghij34&api=js");
        await socket.ConnectAsync(uri, CancellationToken.None);
        var receiver = new Receiver(socket);
        var info = await receiver.NextAsync(m => m.GetProperty("event").GetString() == "serverInfo", TimeSpan.FromSeconds(10));
        Assert.True(info.GetProperty("authorized").GetBoolean());

        Assert.Equal((1, 1L), await client.ExecuteAsync($"INSERT INTO revoked_tokens (token) VALUES ('{jwt}')"));
        await receiver.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotEqual(WebSocketState.Open, socket.State);
    }

    /// <summary>Reads every frame into a channel, so waiting with a timeout never aborts the socket.</summary>
    private sealed class Receiver
    {
        private readonly Channel<JsonElement> _messages = Channel.CreateUnbounded<JsonElement>();

        public Receiver(ClientWebSocket socket) => Completion = ReadAllAsync(socket);

        public Task Completion { get; }

        public async Task<JsonElement> NextAsync(Func<JsonElement, bool> match, TimeSpan wait)
        {
            using var cts = new CancellationTokenSource(wait);
            try
            {
                while (true)
                {
                    var message = await _messages.Reader.ReadAsync(cts.Token);
                    if (match(message))
                    {
                        return message;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return default;
            }
        }

        private async Task ReadAllAsync(ClientWebSocket socket)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (socket.State == WebSocketState.Open)
                {
                    var length = 0;
                    ValueWebSocketReceiveResult result;
                    do
                    {
                        result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                        length += result.Count;
                    }
                    while (!result.EndOfMessage);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }
                    foreach (var line in Encoding.UTF8.GetString(buffer, 0, length).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    {
                        using var document = JsonDocument.Parse(line);
                        _messages.Writer.TryWrite(document.RootElement.Clone());
                    }
                }
            }
            catch (WebSocketException)
            {
            }
        }
    }
}
