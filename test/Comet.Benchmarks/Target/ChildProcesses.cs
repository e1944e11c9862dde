using System.Globalization;
using System.Text;

namespace Comet.Benchmarks.Target;

/// <summary>
/// Finds the id of a process this one started (GatewayProcess and RedisServer keep theirs private)
/// by looking at our children in /proc, so their CPU and memory can be read.
/// </summary>
internal static class ChildProcesses
{
    /// <summary>The child whose environment contains <paramref name="environmentEntry"/> exactly.</summary>
    public static int? WithEnvironment(string environmentEntry) =>
        Find(pid => File.ReadAllText($"/proc/{pid}/environ").Split('\0').Contains(environmentEntry));

    /// <summary>The child whose command line contains every one of <paramref name="arguments"/>.</summary>
    public static int? WithArguments(params string[] arguments) =>
        Find(pid =>
        {
            var argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            return arguments.All(a => argv.Any(v => v.Contains(a, StringComparison.Ordinal)));
        });

    private static int? Find(Func<int, bool> matches)
    {
        var self = Environment.ProcessId;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat", Encoding.ASCII);
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == self && matches(pid))
                {
                    return pid;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }
        return null;
    }
}
