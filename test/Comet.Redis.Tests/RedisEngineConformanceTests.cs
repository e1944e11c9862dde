using Comet.Core.Engine;
using Comet.Core.Options;
using Comet.Testing.Conformance;

namespace Comet.Redis.Tests;

/// <summary>The shared engine conformance suite against a real redis-server.</summary>
public sealed class RedisEngineConformanceTests(RedisFixture redis) : EngineConformanceTests, IClassFixture<RedisFixture>
{
    protected override Task<ICometEngine> CreateEngineAsync(LimitsOptions limits, TimeProvider time) =>
        Task.FromResult<ICometEngine>(new RedisEngine(redis.Options(RedisFixture.NewPrefix()), new NodeIdentity("node-" + Guid.NewGuid().ToString("N")[..8]), limits, time));
}
