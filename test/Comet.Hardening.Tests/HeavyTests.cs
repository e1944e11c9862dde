namespace Comet.Hardening.Tests;

/// <summary>
/// Tests that run gateway processes under sustained load (the short soak, Redis restarted under
/// traffic) run alone, after the others, so that their figures are not other tests' noise.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeavyTests
{
    public const string Name = "Heavy: run alone";
}
