using System.Text.Json.Nodes;

namespace Comet.Testing;

/// <summary>
/// Runs one of the node runners in test/clients/browser (playwright-core driving headless Chromium)
/// and returns the JSON report it prints. Missing prerequisites fail with how to install them.
/// </summary>
public static class BrowserRunner
{
    public static string Directory => Path.Combine(RepositoryRoot.Path, "test", "clients", "browser");

    public static async Task<JsonObject> RunAsync(string script, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var node = RequiredTool.Node;
        var chromium = RequiredTool.Chromium;
        if (!System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "playwright-core")))
        {
            throw new InvalidOperationException(
                $"The browser test runner is not installed. Run: npm ci --prefix {Directory} (scripts/install-test-deps.sh does this).");
        }
        var withChromium = new Dictionary<string, string>(environment) { ["CHROMIUM"] = chromium };
        var result = await ProcessRunner.RunAsync(
            node, [Path.Combine(Directory, script)], environment: withChromium, workingDirectory: Directory, timeout: timeout);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"The browser runner {script} failed.\n{result}");
        }
        return JsonNode.Parse(result.StandardOutput)?.AsObject()
            ?? throw new InvalidOperationException($"The browser runner {script} printed no report.\n{result}");
    }
}
