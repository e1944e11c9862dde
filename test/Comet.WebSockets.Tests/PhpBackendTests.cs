using Comet.Testing;
using Comet.WebSockets.Tests.Support;

namespace Comet.WebSockets.Tests;

/// <summary>The Star.Comet-Chat flow: a PHP backend (mysqli) authorises a user and sends personal messages.</summary>
public sealed class PhpBackendTests
{
    [Fact]
    public async Task A_php_mysqli_backend_reaches_the_browser()
    {
        var php = RequiredTool.Php;
        await using var gateway = await TestGateway.StartAsync();
        const string script = """
            <?php
            $link = mysqli_connect('127.0.0.1', '0', getenv('COMET_KEY'), 'CometQL_v1', (int) getenv('COMET_PORT'));
            if (!$link) { fwrite(STDERR, mysqli_connect_error()); exit(1); }
            $hash = 'phpHash401';
            mysqli_query($link, "INSERT INTO users_auth (id, hash)VALUES (401, '" . mysqli_real_escape_string($link, $hash) . "')");
            echo "ready\n";
            fflush(STDOUT);
            // Wait until the browser is connected (the test writes a line), then send.
            fgets(STDIN);
            $msg = mysqli_real_escape_string($link, json_encode(['text' => "it's here"]));
            mysqli_query($link, "INSERT INTO users_messages (id, event, message)VALUES (401, 'newMessage', '$msg')");
            echo "sent\n";
            """;
        var path = Path.Combine(Path.GetTempPath(), $"comet-php-{Guid.NewGuid():N}.php");
        await File.WriteAllTextAsync(path, script);
        try
        {
            // The first run stores the hash and, with no line to wait for, sends one message to the
            // still offline user; the second run sends after the browser connected.
            var env = new Dictionary<string, string> { ["COMET_KEY"] = TestGateway.Password, ["COMET_PORT"] = gateway.CometQLPort.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            var (client, info) = await ConnectAfterAuthAsync(gateway, php, path, env);
            await using var _c = client;
            Assert.True(info.GetProperty("authorized").GetBoolean());

            var result = await ProcessRunner.RunAsync(php, [path], standardInput: "go\n", environment: env);
            Assert.True(result.ExitCode == 0, result.ToString());

            var message = await client.ReceiveAsync();
            Assert.Equal("msg", message.GetProperty("pipe").GetString());
            Assert.Equal("newMessage", message.GetProperty("event").GetString());
            Assert.Equal("{\"text\":\"it's here\"}", message.GetProperty("data").GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<(CometWebSocketClient, System.Text.Json.JsonElement)> ConnectAfterAuthAsync(
        TestGateway gateway, string php, string path, Dictionary<string, string> env)
    {
        var authorise = await ProcessRunner.RunAsync(php, [path], standardInput: "", environment: env);
        Assert.True(authorise.ExitCode == 0, authorise.ToString());
        var client = await CometWebSocketClient.ConnectAsync(gateway, CometWebSocketClient.Path("phpHash401", 401));
        var info = await client.ReceiveAsync();
        var queued = await client.ReceiveAsync();
        Assert.True(queued.GetProperty("fromQueue").GetBoolean());
        return (client, info);
    }
}
