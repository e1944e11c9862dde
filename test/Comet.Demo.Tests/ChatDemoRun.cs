using System.Text.Json.Nodes;
using Comet.Testing;

namespace Comet.Demo.Tests;

/// <summary>
/// One run of test/clients/browser/chat.js against <see cref="DemoCluster"/>. Screenshots of every step
/// are kept in TestResults/screenshots/chat-demo/ at the repository root.
/// </summary>
public sealed class ChatDemoRun : IAsyncLifetime
{
    public static string ScreenshotDirectory => Path.Combine(RepositoryRoot.Path, "TestResults", "screenshots", "chat-demo");

    public JsonObject Report { get; private set; } = [];

    public IReadOnlyList<string> Nodes { get; private set; } = [];

    public async Task InitializeAsync()
    {
        if (Directory.Exists(ScreenshotDirectory))
        {
            Directory.Delete(ScreenshotDirectory, recursive: true);
        }
        await using var cluster = await DemoCluster.StartAsync();
        Nodes = cluster.Nodes;
        Report = await BrowserRunner.RunAsync(
            "chat.js",
            new Dictionary<string, string>
            {
                ["DEMO_URL"] = cluster.DemoUri.ToString(),
                ["SCREENSHOT_DIR"] = ScreenshotDirectory,
            },
            TimeSpan.FromSeconds(240));
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
