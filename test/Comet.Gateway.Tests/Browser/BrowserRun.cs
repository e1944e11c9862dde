using System.Globalization;
using System.Text.Json.Nodes;
using Comet.Testing;

namespace Comet.Gateway.Tests.Browser;

/// <summary>
/// One run of test/clients/browser/run.js against a fresh in-process gateway: real Chromium pages with the
/// CppComet JavaScript API, the backend side through CometQL (node mysql2). The tests read its report.
/// </summary>
public sealed class BrowserRun : IAsyncLifetime
{
    private const string ChromiumPath = "/usr/bin/chromium";

    public JsonObject Report { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var node = RequiredTool.Node;
        var chromium = File.Exists(ChromiumPath) ? ChromiumPath : RequiredTool.Find("chromium", "apt-get install -y chromium");
        var runnerDirectory = Path.Combine(RepositoryRoot.Path, "test", "clients", "browser");
        if (!Directory.Exists(Path.Combine(runnerDirectory, "node_modules", "playwright-core")))
        {
            throw new InvalidOperationException(
                $"The browser test runner is not installed. Run: npm ci --prefix {runnerDirectory} (scripts/install-test-deps.sh does this).");
        }

        await using var gateway = await TestGateway.StartAsync();
        var result = await ProcessRunner.RunAsync(
            node,
            [Path.Combine(runnerDirectory, "run.js")],
            environment: new Dictionary<string, string>
            {
                ["GATEWAY_HTTP_PORT"] = gateway.HttpPort.ToString(CultureInfo.InvariantCulture),
                ["COMETQL_PORT"] = gateway.CometQLPort.ToString(CultureInfo.InvariantCulture),
                ["COMETQL_PASSWORD"] = TestGateway.Password,
                ["CHROMIUM"] = chromium,
            },
            workingDirectory: runnerDirectory,
            timeout: TimeSpan.FromSeconds(50));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"The browser runner failed.\n{result}");
        }
        Report = JsonNode.Parse(result.StandardOutput)?.AsObject()
            ?? throw new InvalidOperationException($"The browser runner printed no report.\n{result}");
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
