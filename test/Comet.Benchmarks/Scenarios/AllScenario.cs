using System.Globalization;
using Comet.Benchmarks.Cli;
using Comet.Benchmarks.Measure;

namespace Comet.Benchmarks.Scenarios;

/// <summary>
/// <c>all</c>: every scenario of the issue in one command, each row repeated (<c>--repeat</c>, default 3)
/// and reported as the median of its repeats, then an SVG of how the gateway's CPU per delivery grows
/// with subscribers and with nodes. <c>--only broadcast,cometql</c> runs a subset.
/// </summary>
internal static class AllScenario
{
    /// <summary>One block of the run: its scenario command(s), joined into one table, and the columns naming a row.</summary>
    private sealed record Step(string Name, string[][] Commands, string[] Keys);

    private static readonly Step[] Steps =
    [
        // About 100,000 copies/s at each size, as CppComet was measured (1,000 msg/s to 100, 100 to 1,000, 20 to 5,000).
        new("broadcast",
        [
            ["fanout", "--clients", "100", "--rate", "1000", "--publishers", "2", "--publisher", "raw"],
            ["fanout", "--clients", "1000", "--rate", "100", "--publisher", "raw"],
            ["fanout", "--clients", "5000", "--rate", "20", "--publisher", "raw"],
        ], ["engine", "clients", "target/s"]),
        new("cometql", [["cometql", "--client", "raw", "--statement", "insert", "--connections", "1,8"]],
            ["engine", "client", "statement", "connections", "pipeline"]),
        new("cometql-redis", [["cometql", "--redis", "--client", "raw", "--statement", "insert", "--connections", "1,8"]],
            ["engine", "client", "statement", "connections", "pipeline"]),
        new("idle", [["connect", "--connections", "19900", "--pipes", "10", "--churn-seconds", "10"]], ["engine"]),
        new("crossnode", [["crossnode", "--engines", "redis2,redis3", "--clients", "100", "--pipes", "100", "--rate", "10000", "--publishers", "4", "--publisher", "raw"]],
            ["engine", "clients", "target/s"]),
        new("crossnode-subscribers", [["crossnode", "--engines", "redis2", "--clients", "100,1000,5000", "--rate", "20", "--publisher", "raw"]],
            ["engine", "clients", "target/s"]),
        new("nodes", [["fanout", "--engines", "memory,redis1,redis2,redis3", "--clients", "1000", "--rate", "100", "--publisher", "raw"]],
            ["engine", "clients", "target/s"]),
        new("personal", [["personal", "--users", "1000", "--rate", "1000", "--publisher", "raw"]], ["engine", "users", "target/s"]),
    ];

    public static async Task<int> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var repeat = Math.Max(1, args.Int("repeat", 3));
        var duration = args.Double("duration", 10);
        var only = args.Optional("only")?.Split(',');
        var markdown = args.Optional("markdown");
        var plotPath = args.String("plot", "docs/benchmarks-cost.svg");
        args.EnsureAllUsed();
        if (only?.FirstOrDefault(o => Steps.All(s => s.Name != o)) is { } unknown)
        {
            throw new ArgumentException($"--only takes {string.Join(", ", Steps.Select(s => s.Name))}, not '{unknown}'.");
        }

        var results = new Dictionary<string, ResultTable>(StringComparer.Ordinal);
        var report = new System.Text.StringBuilder();
        report.Append(CultureInfo.InvariantCulture,
            $"\n## `{args.CommandLine}`: medians of {repeat} runs, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC\n");
        foreach (var step in Steps.Where(s => only is null || only.Contains(s.Name)))
        {
            Console.WriteLine($"== {step.Name}");
            ResultTable? joined = null;
            var commands = new List<string>();
            foreach (var command in step.Commands)
            {
                var stepArgs = BenchArgs.Parse([.. command, "--repeat", Invariant(repeat), "--duration", Invariant(duration)]);
                var table = await ScenarioRunner.RunAsync(stepArgs, cancellationToken);
                commands.Add(stepArgs.CommandLine);
                if (joined is null)
                {
                    joined = table;
                }
                else
                {
                    joined.AddRowsOf(table);
                }
            }
            var medians = joined!.Medians($" [{step.Name}, median of {repeat}]", step.Keys);
            medians.Print(Console.Out);
            results[step.Name] = medians;
            report.Append(medians.ToMarkdown(string.Join("` ; `", commands)));
        }

        if (markdown is not null)
        {
            File.AppendAllText(markdown, report.ToString());
            Console.WriteLine($"Appended to {markdown}.");
        }
        if (plotPath.Length > 0)
        {
            File.WriteAllText(plotPath, Plot(results, repeat));
            Console.WriteLine($"Plot written to {plotPath}.");
        }
        return 0;
    }

    /// <summary>Gateway CPU per delivered copy against subscribers (one node; Redis cross-node) and against nodes.</summary>
    private static string Plot(Dictionary<string, ResultTable> results, int repeat)
    {
        IReadOnlyList<(double X, double Y)> Points(string step, string x, Func<int, bool>? where = null, Func<int, double>? xOf = null)
        {
            if (!results.TryGetValue(step, out var table))
            {
                return [];
            }
            return [.. Enumerable.Range(0, table.RowCount).Where(r => where?.Invoke(r) ?? true)
                .Select(r => (xOf?.Invoke(r) ?? table.Number(r, x), table.Number(r, "gw µs/delivery")))];
        }
        double NodesOf(string step, int row)
        {
            var engine = results[step].Text(row, "engine");
            return engine == "memory" ? 1 : double.Parse(engine["redis x".Length..], CultureInfo.InvariantCulture);
        }
        var bySubscribers = new SvgPlot.Panel("CPU per delivery vs subscribers", "subscribers (log scale)", "gateway CPU µs per delivered copy", LogX: true,
        [
            new("memory engine, 1 node (broadcast)", Points("broadcast", "clients")),
            new("Redis, publish on node 1, deliver on node 2", Points("crossnode-subscribers", "clients")),
        ]);
        var byNodes = new SvgPlot.Panel("CPU per delivery vs nodes (all nodes summed)", "gateway nodes", "gateway CPU µs per delivered copy", LogX: false,
        [
            new("1,000 subscribers spread over the nodes, 100 msg/s", Points("nodes", "", r => results["nodes"].Text(r, "engine") != "memory", r => NodesOf("nodes", r))),
            new("memory engine (1 node)", Points("nodes", "", r => results["nodes"].Text(r, "engine") == "memory", _ => 1)),
            new("cross-node, 10,000 msg/s over 100 pipes", Points("crossnode", "", null, r => NodesOf("crossnode", r))),
        ]);
        return SvgPlot.Render(
            $"Comet.Gateway, medians of {repeat} runs, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} shared cores; CPU from /proc (user + system).",
            [bySubscribers, byNodes]);
    }

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
