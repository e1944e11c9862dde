using Comet.Core.Engine;
using Comet.Core.Options;
using Comet.Testing.Conformance;

namespace Comet.Redis.Tests;

/// <summary>The conformance suite with every script sent through StackExchange.Redis
/// (<c>Comet:Redis:DirectScripts=false</c>, and the path a call takes when no direct connection is ready).</summary>
public sealed class RedisEngineThroughLibraryConformanceTests(RedisFixture redis) : EngineConformanceTests, IClassFixture<RedisFixture>
{
    protected override Task<ICometEngine> CreateEngineAsync(LimitsOptions limits, TimeProvider time)
    {
        var options = redis.Options(RedisFixture.NewPrefix());
        options.DirectScripts = false;
        return Task.FromResult<ICometEngine>(new RedisEngine(options, new NodeIdentity("node-" + Guid.NewGuid().ToString("N")[..8]), limits, time));
    }
}
