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
        long rss = 0;
        var threads = 0;
        foreach (var line in File.ReadLines($"/proc/{node.ProcessId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Number(line) * 1024;
            }
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = (int)Number(line);
            }
        }
        var files = Directory.GetFiles($"/proc/{node.ProcessId}/fd").Length;
        return new ResourceSample(phase, node.NodeName, rss, heap, files, threads);
    }

    private static long Number(string statusLine) =>
        long.Parse(statusLine.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
