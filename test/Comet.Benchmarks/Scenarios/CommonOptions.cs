using Comet.Benchmarks.Cli;
using Comet.Benchmarks.Clients;

namespace Comet.Benchmarks.Scenarios;

/// <summary>Options every load scenario shares.</summary>
internal sealed record CommonOptions(
    TimeSpan Duration, TimeSpan Warmup, int Repeat, int Concurrency, LoopbackSources Sources, int PayloadSize, string Publisher, string? Markdown)
{
    public static CommonOptions Read(BenchArgs args, int defaultSeconds = 10) => new(
        TimeSpan.FromSeconds(args.Double("duration", defaultSeconds)),
        TimeSpan.FromSeconds(args.Double("warmup", 2)),
        Math.Max(1, args.Int("repeat", 1)),
        Math.Max(1, args.Int("concurrency", 200)),
        new LoopbackSources(args.Int("sources", 4)),
        args.Int("size", 100),
        args.String("publisher", "mysqldata"),
        args.Optional("markdown"));
}
