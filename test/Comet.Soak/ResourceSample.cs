using System.Globalization;
using Comet.Testing;

namespace Comet.Soak;

/// <summary>
/// One reading of a gateway process: resident memory, GC heap after a full collection (from the
/// probe, <see cref="StartupHook"/>), open file descriptors (sockets included) and threads.
/// </summary>
public sealed record ResourceSample(string Phase, string Node, long RssBytes, long GcHeapBytes, int OpenFiles, int Threads)
{
    public static async Task<ResourceSample> TakeAsync(string phase, GatewayProcess node, string probeFile)
    {
        var trigger = probeFile + ".collect";
        await File.WriteAllTextAsync(trigger, "");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (File.Exists(trigger))
        {
            if (DateTime.UtcNow > deadline || node.HasExited)
            {
                throw new InvalidOperationException($"The probe in {node.NodeName} did not answer (is DOTNET_STARTUP_HOOKS set?).");
            }
            await Task.Delay(50);
        }
        var heap = long.Parse((await File.ReadAllTextAsync(probeFile)).Split(' ')[0], CultureInfo.InvariantCulture);
        using var process = System.Diagnostics.Process.GetProcessById(node.ProcessId);
        var rss = process.WorkingSet64; // VmRSS on Linux
        var threads = process.Threads.Count;
        var files = Directory.GetFiles($"/proc/{node.ProcessId}/fd").Length;
        return new ResourceSample(phase, node.NodeName, rss, heap, files, threads);
    }
}
