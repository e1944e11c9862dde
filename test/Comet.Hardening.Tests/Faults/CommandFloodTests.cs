using System.Net.WebSockets;

namespace Comet.Hardening.Tests.Faults;

/// <summary>
/// One connection flooding commands: beyond <c>Comet:WebSocket:MaxCommandsPerSecond</c> a command is
/// ignored with a sys error (code 429); beyond <c>MaxRejectedCommands</c> rejected ones in a minute the
/// connection is closed with 1008. Another connection is not slowed down by it.
/// </summary>
public sealed class CommandFloodTests
{
    [Fact]
    public async Task A_command_flood_gets_429_errors_then_a_1008_close_and_others_are_served()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:WebSocket:MaxCommandsPerSecond"] = "5",
            ["Comet:WebSocket:MaxRejectedCommands"] = "20",
        });
        var (flooder, _) = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());
        var (other, _) = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());
        await using var _f = flooder;
        await using var _o = other;

        // A short burst over the rate (15 against 5 per second: at most 10 rejected, below the 20 that close): the client
        // is told with a sys error and stays connected.
        for (var i = 0; i < 15; i++)
        {
            await flooder.SendAsync("pipe_count\nweb_flood\nb" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        var error = await flooder.WaitForAsync(m => CometWebSocketClient.IsPipe(m, "sys"));
        Assert.Equal("429", error.GetProperty("data").GetProperty("code").GetString());

        // A sustained flood: the connection is closed with 1008. (Errors still queued when the close
        // is decided are dropped with the connection, so the close is what the client sees last.)
        try
        {
            for (var i = 0; i < 200 && flooder.IsOpen; i++)
            {
                await flooder.SendAsync("pipe_count\nweb_flood\nm" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        catch (WebSocketException)
        {
            // closed by the server in the middle of the flood: expected
        }
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await flooder.WaitForCloseAsync(TimeSpan.FromSeconds(30)));

        await other.SendAsync("pipe_count\nweb_flood\nok");
        Assert.Equal("ok", (await other.WaitForPipeAsync("_answer_pipe_count")).GetProperty("marker").GetString());
    }
}
