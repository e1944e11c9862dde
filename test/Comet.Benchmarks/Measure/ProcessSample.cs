using System.Globalization;

namespace Comet.Benchmarks.Measure;

/// <summary>
/// One reading of a process from /proc: CPU time used so far and resident memory. Two samples give
/// CPU% over the interval between them.
/// </summary>
internal readonly record struct ProcessSample(long CpuTicks, long RssBytes, int Threads, long TakenAt)
{
    /// <summary>Kernel clock ticks per second for utime/stime (USER_HZ, 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    public static ProcessSample Read(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var cpu = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        long rss = 0;
        var threads = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = ParseKb(line) * 1024;
            }
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = (int)ParseKb(line);
            }
        }
        return new ProcessSample(cpu, rss, threads, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    /// <summary>CPU used between two samples, in percent of one core (200% = both cores of this machine).</summary>
    public static double CpuPercent(ProcessSample start, ProcessSample end)
    {
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(start.TakenAt, end.TakenAt).TotalSeconds;
        return seconds <= 0 ? 0 : (end.CpuTicks - start.CpuTicks) / TicksPerSecond / seconds * 100;
    }

    internal static long ParseKb(string line)
    {
        var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(parts[1], CultureInfo.InvariantCulture);
    }
}
