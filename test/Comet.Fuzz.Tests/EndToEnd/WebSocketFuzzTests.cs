using System.Globalization;
using System.Text.Json;
using Comet.Fuzz.Tests.Support;
using Comet.Testing;
using Xunit.Abstractions;

namespace Comet.Fuzz.Tests.EndToEnd;

/// <summary>
/// Mutated WebSocket commands to a real gateway over a real socket: every one gets a <c>sys</c> error
/// event or a valid answer, never an internal error, and the same connection keeps working (it answers
/// a probe after each input, and subscribes and receives a message every few inputs and at the end).
/// </summary>
public sealed class WebSocketFuzzTests(ITestOutputHelper output)
{
    /// <summary>The sys error the dispatcher sends when a handler threw something unexpected.</summary>
    private const string InternalError = "Internal error while handling the command.";

    private static readonly string[] ValidCommands =
    [
        "subscription\nweb_a\nweb_b", "subscription\ntrust_x\nprivate_y\ntrack_z\nweb_a", "subscription\n",
        "web_pipe2\nweb_chat\nnew\n*\nhello", "web_pipe2\n@web_chat\ne\n*\n{\"json\":1}", "web_pipe2\nwebauth_x\ne\n*\nm",
        "pipe_log\nweb_log\nmarker1\n", "pipe_count\nweb_a\nm1", "pipe_count\ntrack_z\nm2", "user_status\n1", "track_pipe_users\ntrack_z\nm4",
        "user_data\nm5\n1", "statistics\n{\"x\":1}", "cgi_call\nx", "CometQL_call\nm6\neyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.c2ln",
    ];

    private static readonly string[] Dictionary =
    [
        "\n", "\r", "*", "web_", "@web_", "webauth_", "trust_", "private_", "track_", "subscription", "web_pipe2", "pipe_log", "pipe_count",
        "user_status", "user_data", "track_pipe_users", "CometQL_call", "statistics", " ", ",", "{", "}", "\"", "\\",
    ];

    /// <summary>One connection sends hundreds of commands a second here: lift the per-connection command rate limit.</summary>
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Comet:WebSocket:MaxCommandsPerSecond"] = "1000000",
        ["Comet:WebSocket:MaxRejectedCommands"] = "1000000",
    };

    private readonly FuzzRunner _fuzz = new(output);

    private int _sysErrors;
    private int _answers;

    [Fact]
    public async Task Mutated_commands_get_a_sys_error_or_an_answer_and_the_connection_keeps_working()
    {
        await using var gateway = await TestGateway.StartAsync(Settings);
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path(userId: 0));
        await using var publisher = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path(uuid: CometWebSocketClient.NewUuid()));
        var done = 0;

        await _fuzz.RunAsync("websocket commands", Mutate.Text(Gen.Elements(ValidCommands), Dictionary), async command =>
        {
            await client.SendAsync(command);
            await ProbeAsync(client, "probe" + done.ToString(CultureInfo.InvariantCulture) + "z");
            if (++done % 25 == 0)
            {
                await AssertSubscribesAndReceivesAsync(client, publisher, done);
            }
        }, Printable.Of, FuzzSettings.EndToEndIterations);

        await AssertSubscribesAndReceivesAsync(client, publisher, -1);
        output.WriteLine($"answers: {_sysErrors} sys errors, {_answers} other messages");
        Assert.True(_sysErrors > 0 && _answers > 0, "The mutated commands were all refused, or all accepted");
    }

    [Fact]
    public async Task Mutated_connect_urls_get_the_greeting_or_a_url_error_and_a_policy_close()
    {
        await using var gateway = await TestGateway.StartAsync(Settings);
        var baseUri = gateway.WebSocketUri;
        int greeted = 0, refused = 0, badRequests = 0;
        await _fuzz.RunAsync("websocket connect url", WebSocketInputs.ConnectUrls(), async url =>
        {
            CometWebSocketClient client;
            try
            {
                client = await CometWebSocketClient.ConnectAsync(baseUri, "/ws/" + EscapeForPath(url));
            }
            catch (System.Net.WebSockets.WebSocketException refusal)
                when (refusal.Message.Contains("'400'", StringComparison.Ordinal) || refusal.Message.Contains("'414'", StringComparison.Ordinal))
            {
                // Kestrel refuses a request target it cannot decode (an encoded NUL, say) or that is too long, before the gateway sees it.
                badRequests++;
                return;
            }
            var first = await client.ReceiveAsync();
            if (first.TryGetProperty("event", out var e) && e.GetString() == "serverInfo")
            {
                greeted++;
                await ProbeAsync(client, "url" + greeted.ToString(CultureInfo.InvariantCulture));
                return;
            }
            // CppComet's URL error: {"error":"<code>","data":"Error code …","event_name":"CometServerError"}, then a close.
            Assert.Equal("CometServerError", first.GetProperty("event_name").GetString());
            Assert.StartsWith("Error code " + first.GetProperty("error").GetString(), first.GetProperty("data").GetString(), StringComparison.Ordinal);
            Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, await client.WaitForCloseAsync());
            refused++;
        }, Printable.Of, FuzzSettings.EndToEndIterations);
        output.WriteLine($"answers: {greeted} greeted, {refused} refused, {badRequests} HTTP 400/414");
        Assert.True(greeted > 0 && refused > 0, "The mutated URLs were all refused, or all accepted");
    }

    /// <summary>Percent-encodes what may not stand in a URL path (and '/', so no dot segment is folded away); keeps '%' as it is.</summary>
    private static string EscapeForPath(string url)
    {
        var builder = new System.Text.StringBuilder(url.Length * 2);
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(url))
        {
            if (b < 0x80 && (char.IsAsciiLetterOrDigit((char)b) || "-._~!$&'()*+,;=:@%".Contains((char)b, StringComparison.Ordinal)))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append(CultureInfo.InvariantCulture, $"%{b:X2}");
            }
        }
        return builder.ToString();
    }

    /// <summary>Sends pipe_count with a fresh marker and checks every message up to its answer.</summary>
    private async Task ProbeAsync(CometWebSocketClient client, string marker)
    {
        await client.SendAsync("pipe_count\nweb_probe\n" + marker);
        while (true)
        {
            var message = await client.ReceiveAsync();
            Assert.True(message.TryGetProperty("pipe", out var pipe) && pipe.ValueKind == JsonValueKind.String, "A message without a pipe: " + message);
            if (pipe.GetString() == "sys")
            {
                var error = message.GetProperty("data").GetProperty("error").GetString();
                Assert.False(string.IsNullOrEmpty(error));
                Assert.NotEqual(InternalError, error);
                _sysErrors++;
            }
            else if (message.TryGetProperty("marker", out var m) && m.GetString() == marker)
            {
                Assert.Equal("_answer_pipe_count", pipe.GetString());
                return;
            }
            else
            {
                _answers++;
            }
        }
    }

    /// <summary>The user-visible proof that the connection still works: subscribe, then receive a message on the pipe.</summary>
    private async Task AssertSubscribesAndReceivesAsync(CometWebSocketClient client, CometWebSocketClient publisher, int round)
    {
        var text = "alive-" + round.ToString(CultureInfo.InvariantCulture);
        await client.SendAsync("subscription\nweb_fuzz_alive");
        await ProbeAsync(client, "s" + text.Replace("-", "", StringComparison.Ordinal)); // the subscription is in place once its successor is answered
        await publisher.SendAsync("web_pipe2\nweb_fuzz_alive\nalive\n*\n" + text);
        var message = await client.WaitForAsync(m => CometWebSocketClient.IsPipe(m, "web_fuzz_alive") && m.GetRawText().Contains(text, StringComparison.Ordinal));
        Assert.Equal("alive", message.GetProperty("event").GetString());
    }
}
