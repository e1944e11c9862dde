using Comet.Core.Diagnostics;
using Comet.Core.Memory;
using Comet.Core.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Comet.Testing.Engines;

/// <summary>Builds memory engines the way DI does, with real metrics the tests can read.</summary>
public static class MemoryEngineFactory
{
    private static readonly ServiceProvider s_services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public static CometMetrics NewMetrics() => new(s_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());

    public static MemoryEngine Create(LimitsOptions limits, TimeProvider time, CometMetrics? metrics = null) =>
        new(Microsoft.Extensions.Options.Options.Create(limits), time, metrics ?? NewMetrics(), NullLogger<MemoryEngine>.Instance);

    public static MemoryEngine Create(Action<LimitsOptions>? configure = null, CometMetrics? metrics = null)
    {
        var limits = new LimitsOptions();
        configure?.Invoke(limits);
        return Create(limits, TimeProvider.System, metrics);
    }
}
