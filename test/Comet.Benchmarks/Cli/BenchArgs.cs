using System.Globalization;

namespace Comet.Benchmarks.Cli;

/// <summary>
/// The command line: <c>&lt;scenario&gt; [--name value]… [--flag]…</c>. Unknown or malformed options
/// are an error with the option's name, so a typo never silently runs the defaults.
/// </summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    private BenchArgs(string scenario, string commandLine)
    {
        Scenario = scenario;
        CommandLine = commandLine;
    }

    public string Scenario { get; }

    /// <summary>The command as typed, for the markdown report.</summary>
    public string CommandLine { get; }

    public static BenchArgs Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            throw new ArgumentException("The first argument must be a scenario (all, fanout, crossnode, personal, connect, cometql, redis-fanout, micro).");
        }
        // The command as a reader would retype it; where the table was appended is not part of it.
        var shown = args.Where((a, i) => a != "--markdown" && (i == 0 || args[i - 1] != "--markdown"));
        var parsed = new BenchArgs(args[0], "dotnet Comet.Benchmarks.dll " + string.Join(' ', shown));
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}': options look like --name value.");
            }
            var name = args[i][2..];
            var hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            parsed._values[name] = hasValue ? args[++i] : "true";
        }
        return parsed;
    }

    public bool Flag(string name) => Get(name) is { } value && value != "false";

    public string String(string name, string fallback) => Get(name) ?? fallback;

    public string? Optional(string name) => Get(name);

    public int Int(string name, int fallback) => Get(name) is { } value ? ParseInt(name, value) : fallback;

    public double Double(string name, double fallback) =>
        Get(name) is { } value
            ? double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= 0
                ? number
                : throw new ArgumentException($"--{name} must be a non-negative number, not '{value}'.")
            : fallback;

    /// <summary>A comma-separated list such as <c>--clients 1000,5000</c>: one result row per value.</summary>
    public int[] IntList(string name, int fallback) =>
        Get(name) is { } value ? [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => ParseInt(name, v))] : [fallback];

    /// <summary>Publish rates: statements per second, or <c>max</c> (<see cref="ClosedLoop"/>): each
    /// publisher sends its next statement as soon as the previous one was answered.</summary>
    public int[] RateList(string name, int fallback) =>
        Get(name) is { } value
            ? [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v =>
                string.Equals(v, "max", StringComparison.OrdinalIgnoreCase) ? ClosedLoop
                : ParseInt(name, v) is > 0 and var rate ? rate
                : throw new ArgumentException($"--{name} takes rates above 0 or max, not '{v}'."))]
            : [fallback];

    /// <summary>The rate that means "as fast as answered" (<c>--rate max</c>).</summary>
    public const int ClosedLoop = 0;

    /// <summary>How a rate is shown in result tables.</summary>
    public static object DescribeRate(int rate) => rate == ClosedLoop ? "max" : rate;

    /// <summary><c>--set Comet:Limits:X=5</c> pairs passed to every gateway started.</summary>
    public Dictionary<string, string> Settings()
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (Get("set") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ArgumentException($"--set takes key=value pairs separated by commas, not '{pair}'.");
            }
            settings[pair[..eq]] = pair[(eq + 1)..];
        }
        return settings;
    }

    /// <summary>Fails on options that no part of the scenario read (typos).</summary>
    public void EnsureAllUsed()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown option(s) for '{Scenario}': {string.Join(", ", unknown.Select(k => "--" + k))}.");
        }
    }

    private string? Get(string name)
    {
        _used.Add(name);
        return _values.GetValueOrDefault(name);
    }

    private static int ParseInt(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= 0
            ? number
            : throw new ArgumentException($"--{name} must be a non-negative integer, not '{value}'.");
}
