using System.Net.WebSockets;
using System.Text.Json;
using Comet.Testing;
using Comet.Testing.Clients;

namespace Comet.WebSockets.Tests;

/// <summary>
/// Acknowledged personal delivery with real WebSocket clients (docs/websocket.md, "Acknowledged personal
/// messages"): seq on personal messages for clients that connect with <c>ack=</c>, the resend of what a
/// device missed when it comes back, messagesMissed when the window passed, the <c>ack</c> command and
/// its refusals. Clients without <c>ack=</c> see nothing new.
/// </summary>
public sealed class AcknowledgedDeliveryTests
{
    [Fact]
    public async Task A_device_that_comes_back_gets_what_it_missed_in_order_and_a_plain_client_sees_no_seq()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var backend = await CometQLBackend.OpenAsync(gateway);
        await backend.ExecuteAsync("INSERT INTO users_auth (id, hash) VALUES (9101, 'acks9101')");
        await using var plain = await CometWebSocketClient.ConnectAndGreetAsync(gateway, Path(9101, ack: null));
        Assert.False(plain.ServerInfo.TryGetProperty("ackSeq", out _), "serverInfo of a client that does not acknowledge has no ackSeq");

        var device = await CometWebSocketClient.ConnectAndGreetAsync(gateway, Path(9101, ack: 0));
        var resumedAfter = device.ServerInfo.GetProperty("ackSeq").GetInt64();
        await SendAsync(backend, 9101, 1, 3);
        var seen = await ReceivePersonalAsync(device, 3);
        Assert.Equal(["m1", "m2", "m3"], seen.Select(m => m.Data));
        Assert.True(seen[0].Seq > resumedAfter && seen[0].Seq < seen[1].Seq && seen[1].Seq < seen[2].Seq, "seqs increase from ackSeq on");
        var plainSeen = await plain.WaitForAsync(m => CometWebSocketClient.IsPipe(m, "msg") && m.GetProperty("data").GetString() == "m3");
        Assert.False(plainSeen.TryGetProperty("seq", out _), "a client that does not acknowledge gets no seq");

        // The device processed m1 and m2, then went away; m4 and m5 reach only the plain client live.
        await device.SendAsync($"ack\n{seen[1].Seq}");
        await device.DisposeAsync();
        await SendAsync(backend, 9101, 4, 5);
        await plain.WaitForAsync(m => CometWebSocketClient.IsPipe(m, "msg") && m.GetProperty("data").GetString() == "m5");

        await using var back = await CometWebSocketClient.ConnectAndGreetAsync(gateway, Path(9101, ack: seen[1].Seq));
        Assert.Equal(seen[1].Seq, back.ServerInfo.GetProperty("ackSeq").GetInt64());
        var resent = await ReceivePersonalAsync(back, 3);
        Assert.Equal(["m3", "m4", "m5"], resent.Select(m => m.Data));
        Assert.Equal(seen[2].Seq, resent[0].Seq);
        Assert.True(resent.All(m => m.FromQueue), "resent messages are marked fromQueue");
    }

    [Fact]
    public async Task A_device_that_comes_back_after_the_window_passed_is_told_which_seqs_it_missed()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:Limits:AckWindowLength"] = "2",
        });
        await using var backend = await CometQLBackend.OpenAsync(gateway);
        await backend.ExecuteAsync("INSERT INTO users_auth (id, hash) VALUES (9102, 'acks9102')");
        await using var plain = await CometWebSocketClient.ConnectAndGreetAsync(gateway, Path(9102, ack: null));
        var device = await CometWebSocketClient.ConnectAndGreetAsync(gateway, Path(9102, ack: 0));
        await SendAsync(backend, 9102, 1, 1);
        var first = (await ReceivePersonalAsync(device, 1))[0];
        await device.DisposeAsync();

        await SendAsync(backend, 9102, 2, 5);
        await plain.WaitForAsync(m => CometWebSocketClient.IsPipe(m, "msg") && m.GetProperty("data").GetString() == "m5");
        await using var back = await CometWebSocketClient.ConnectAndGreetAsync(gateway, Path(9102, ack: first.Seq));

        var missed = await back.ReceiveAsync();
        Assert.Equal("messagesMissed", missed.GetProperty("event").GetString());
        Assert.Equal("sys", missed.GetProperty("pipe").GetString());
        Assert.Equal(first.Seq + 1, missed.GetProperty("data").GetProperty("from").GetInt64());
        Assert.Equal(first.Seq + 2, missed.GetProperty("data").GetProperty("to").GetInt64());
        Assert.Equal(["m4", "m5"], (await ReceivePersonalAsync(back, 2)).Select(m => m.Data));
    }

    [Fact]
    public async Task Bad_acknowledgements_get_a_sys_error_and_the_connection_stays_open()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var backend = await CometQLBackend.OpenAsync(gateway);
        await backend.ExecuteAsync("INSERT INTO users_auth (id, hash) VALUES (9103, 'acks9103')");
        await using var device = await CometWebSocketClient.ConnectAndGreetAsync(gateway, Path(9103, ack: 0));
        await SendAsync(backend, 9103, 1, 1);
        var seq = (await ReceivePersonalAsync(device, 1))[0].Seq;

        await device.SendAsync("ack\nabc");
        Assert.Contains("non-negative integer", await ErrorTextAsync(device), StringComparison.Ordinal);
        await device.SendAsync($"ack\n{seq + 1}");
        Assert.Contains("beyond the user's latest", await ErrorTextAsync(device), StringComparison.Ordinal);
        await device.SendAsync($"ack\n{seq}");
        await device.AssertSilentAsync(TimeSpan.FromMilliseconds(300));

        await using var plain = await CometWebSocketClient.ConnectAndGreetAsync(gateway, Path(9103, ack: null));
        await plain.SendAsync($"ack\n{seq}");
        Assert.Contains("does not acknowledge", await ErrorTextAsync(plain), StringComparison.Ordinal);
        Assert.Equal(WebSocketState.Open, device.State);
    }

    [Fact]
    public async Task An_ack_parameter_that_is_not_a_number_is_refused_with_a_clear_error()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var client = await CometWebSocketClient.ConnectAsync(gateway, Path(9104, ack: null) + "&ack=-1");

        var error = await client.ReceiveAsync();
        Assert.Contains("ack must be the highest seq", error.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.WaitForCloseAsync());
    }

    private static string Path(long userId, long? ack) =>
        CometWebSocketClient.Path($"acks{userId}", userId, uuid: CometWebSocketClient.NewUuid()) + (ack is { } seq ? $"&ack={seq}" : "");

    private static async Task SendAsync(CometQLBackend backend, long userId, int first, int last)
    {
        for (var i = first; i <= last; i++)
        {
            await backend.ExecuteAsync($"INSERT INTO users_messages (id, event, message) VALUES ({userId}, 'n', 'm{i}')");
        }
    }

    private static async Task<List<Personal>> ReceivePersonalAsync(CometWebSocketClient client, int count)
    {
        var messages = new List<Personal>();
        while (messages.Count < count)
        {
            var message = await client.WaitForAsync(m => CometWebSocketClient.IsPipe(m, "msg"));
            messages.Add(new Personal(
                message.GetProperty("data").GetString()!,
                message.GetProperty("seq").GetInt64(),
                message.TryGetProperty("fromQueue", out var fromQueue) && fromQueue.GetBoolean()));
        }
        return messages;
    }

    private static async Task<string> ErrorTextAsync(CometWebSocketClient client) =>
        (await client.WaitForPipeAsync("sys", "error")).GetProperty("data").GetProperty("error").GetString()!;

    private sealed record Personal(string Data, long Seq, bool FromQueue);
}
