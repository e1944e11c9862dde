using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Comet.Benchmarks.Micro;

/// <summary>
/// BenchmarkDotNet over the per-message hot paths. In-process (no generated project to build, which
/// would collide with other builds in this tree) and a short job: these machines are shared, so the
/// numbers are for ratios between runs of one session, not absolute claims.
/// </summary>
internal static class MicroBenchmarks
{
    public static int Run(string[] args)
    {
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(10))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "comet-benchmarkdotnet"));
        var summaries = BenchmarkSwitcher.FromTypes([typeof(MessageEncodingBenchmarks), typeof(CometQLParserBenchmarks), typeof(MeterStatusBenchmarks)])
            .Run(args.Length == 0 ? ["--filter", "*"] : args, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
