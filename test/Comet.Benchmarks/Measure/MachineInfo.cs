namespace Comet.Benchmarks.Measure;

/// <summary>One line naming the machine a result came from: CPU model, cores, memory, load.</summary>
internal static class MachineInfo
{
    public static string Describe()
    {
        var model = File.ReadLines("/proc/cpuinfo")
            .FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memory = File.ReadLines("/proc/meminfo")
            .FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) is { } line
            ? $"{ProcessSample.ParseKb(line) / 1024 / 1024} GiB"
            : "? GiB";
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        return $"{model}, {Environment.ProcessorCount} cores, {memory}, 1-min load average {load} when the table was written, .NET {Environment.Version}";
    }
}
