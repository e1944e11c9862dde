using Comet.Core.Engine;
using Comet.Core.Options;
using Comet.Testing.Conformance;
using Comet.Testing.Engines;

namespace Comet.Core.Tests.Memory;

/// <summary>The engine conformance suite, run against the embedded memory engine.</summary>
public sealed class MemoryEngineConformanceTests : EngineConformanceTests
{
    // The memory engine delivers before each call returns, so a duplicate would already show.
    protected override TimeSpan QuietPeriod => TimeSpan.Zero;

    protected override Task<ICometEngine> CreateEngineAsync(LimitsOptions limits, TimeProvider time) =>
        Task.FromResult<ICometEngine>(MemoryEngineFactory.Create(limits, time));
}
