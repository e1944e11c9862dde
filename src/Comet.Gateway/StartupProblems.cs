using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Comet.Gateway;

/// <summary>
/// A gateway that cannot start because of its configuration or a taken port says so in one line per
/// problem and exits with code 1: an orchestrator and a person see a refusal, not a crash (an
/// unhandled exception would print a stack trace and end the process with SIGABRT, exit code 134).
/// Anything else is a defect and stays an unhandled exception with its stack trace.
/// </summary>
internal static class StartupProblems
{
    public const int ExitCode = 1;

    /// <summary>The problems <paramref name="exception"/> reports, or none when it is not a startup problem.</summary>
    public static IReadOnlyList<string> Of(Exception exception)
    {
        var problems = new List<string>();
        Collect(exception, problems);
        return problems;
    }

    public static async Task<int> ReportAsync(IReadOnlyList<string> problems)
    {
        foreach (var problem in problems)
        {
            await Console.Error.WriteLineAsync($"Comet.Gateway cannot start: {problem}");
        }
        return ExitCode;
    }

    private static void Collect(Exception exception, List<string> problems)
    {
        switch (exception)
        {
            case OptionsValidationException invalid:
                problems.AddRange(invalid.Failures.Select(OneLine));
                break;
            case AggregateException aggregate:
                foreach (var inner in aggregate.InnerExceptions)
                {
                    Collect(inner, problems);
                }
                break;
            case IOException { InnerException: AddressInUseException }:
                problems.Add(OneLine(exception.Message));
                break;
            case { InnerException: { } inner } when exception is not OperationCanceledException:
                Collect(inner, problems);
                break;
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
