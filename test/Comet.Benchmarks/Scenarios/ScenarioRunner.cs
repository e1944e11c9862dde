using Comet.Benchmarks.Cli;
using Comet.Benchmarks.Measure;

namespace Comet.Benchmarks.Scenarios;

/// <summary>Runs one load scenario by name (what the command line and <c>all</c> share).</summary>
internal static class ScenarioRunner
{
    public static Task<ResultTable> RunAsync(BenchArgs args, CancellationToken cancellationToken) => args.Scenario switch
    {
        "fanout" => FanoutScenario.RunAsync(args, null, cancellationToken),
        "redis-fanout" => FanoutScenario.RunAsync(args, ["memory", "redis1", "redis2"], cancellationToken),
        "crossnode" => FanoutScenario.RunAsync(args, ["redis2"], cancellationToken, crossNode: true),
        "personal" => PersonalScenario.RunAsync(args, cancellationToken),
        "connect" => ConnectScenario.RunAsync(args, cancellationToken),
        "cometql" => CometQLScenario.RunAsync(args, cancellationToken),
        "failover-loss" => FailoverLossScenario.RunAsync(args, cancellationToken),
        _ => throw new ArgumentException($"Unknown scenario '{args.Scenario}'."),
    };
}
