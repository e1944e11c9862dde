using System.Globalization;

namespace Comet.Fuzz.Tests.Support;

/// <summary>
/// How much to fuzz, from the environment: CI runs a bounded default; <c>scripts/fuzz.sh</c> sets
/// millions. The seed is printed by every target so a failure can be replayed with <c>COMET_FUZZ_SEED</c>.
/// </summary>
internal static class FuzzSettings
{
    /// <summary>Inputs per unit-level target.</summary>
    public const string IterationsVariable = "COMET_FUZZ_ITERATIONS";

    /// <summary>Inputs per end-to-end target (each costs socket round trips).</summary>
    public const string EndToEndIterationsVariable = "COMET_FUZZ_E2E_ITERATIONS";

    /// <summary>The seed of every target (one per run when unset).</summary>
    public const string SeedVariable = "COMET_FUZZ_SEED";

    /// <summary>When set, each target appends one line of figures (target, inputs, seconds, inputs/s) to this file.</summary>
    public const string ReportVariable = "COMET_FUZZ_REPORT";

    /// <summary>The CI default: keeps the whole project well under two minutes on a loaded two-core machine.</summary>
    public const int DefaultIterations = 3000;

    public const int DefaultEndToEndIterations = 400;

    public static int Iterations => ReadPositive(IterationsVariable, DefaultIterations);

    public static int EndToEndIterations => ReadPositive(EndToEndIterationsVariable, DefaultEndToEndIterations);

    public static ulong Seed { get; } = ReadSeed();

    public static string? ReportPath => Environment.GetEnvironmentVariable(ReportVariable) is { Length: > 0 } path ? path : null;

    private static int ReadPositive(string variable, int fallback)
    {
        var text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new InvalidOperationException($"{variable} must be a positive integer, not '{text}'.");
    }

    private static ulong ReadSeed()
    {
        var text = Environment.GetEnvironmentVariable(SeedVariable);
        if (string.IsNullOrEmpty(text))
        {
            return (ulong)Random.Shared.NextInt64(1, long.MaxValue);
        }
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : throw new InvalidOperationException($"{SeedVariable} must be an unsigned integer, not '{text}'.");
    }
}
