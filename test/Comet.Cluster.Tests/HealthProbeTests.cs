using System.Globalization;
using Comet.Testing;

namespace Comet.Cluster.Tests;

/// <summary>
/// The container image's HEALTHCHECK runs <c>dotnet Comet.Gateway.dll probe URL</c> (the chiseled runtime
/// image has no curl): exit 0 for a ready node, non-zero when nothing answers.
/// </summary>
[Collection(LocalClusterCollection.Name)]
public sealed class HealthProbeTests(LocalCluster cluster)
{
    [Fact]
    public async Task The_probe_succeeds_against_a_ready_node_and_fails_when_nothing_listens()
    {
        var node1 = int.Parse(File.ReadAllText(Path.Combine(cluster.StateDirectory, "node1.http")).Trim(), CultureInfo.InvariantCulture);
        var ready = await ProbeAsync($"http://127.0.0.1:{node1}/health/ready");
        Assert.True(ready.ExitCode == 0, ready.ToString());

        var nothing = await ProbeAsync($"http://127.0.0.1:{FreePort.Next()}/health/ready");
        Assert.True(nothing.ExitCode == 1, nothing.ToString());
    }

    private static Task<ProcessResult> ProbeAsync(string url) =>
        ProcessRunner.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "Comet.Gateway.dll"), "probe", url],
            timeout: TimeSpan.FromSeconds(60));
}
