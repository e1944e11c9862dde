using Comet.Benchmarks.Cli;
using Comet.Benchmarks.Measure;
using Comet.Benchmarks.Micro;
using Comet.Benchmarks.Scenarios;

// The benchmark tool: one scenario per run, a result table on stdout, and with --markdown <file>
// the same table appended to that file with the command and the machine. See docs/benchmarks.md.
BenchArgs parsed;
try
{
    parsed = BenchArgs.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(Usage.Text);
    return 2;
}

if (parsed.Scenario == "selftest")
{
    return SelfTest.Run();
}

if (parsed.Scenario == "micro")
{
    return MicroBenchmarks.Run(args[1..]);
}

// Every run is bounded: --max-seconds (default 15 minutes) cancels whatever is still going.
using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(parsed.Double("max-seconds", parsed.Scenario == "all" ? 4 * 3600 : 900)));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    if (parsed.Scenario == "all")
    {
        return await AllScenario.RunAsync(parsed, cancel.Token);
    }
    var table = await ScenarioRunner.RunAsync(parsed, cancel.Token);
    table.Print(Console.Out);
    if (parsed.Optional("markdown") is { } markdown)
    {
        table.AppendMarkdown(markdown, parsed.CommandLine);
        Console.WriteLine($"Appended to {markdown}.");
    }
    return 0;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(Usage.Text);
    return 2;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("Stopped: the run reached --max-seconds or was interrupted.");
    return 3;
}
