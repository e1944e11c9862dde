using Comet.Testing.Redis;

namespace Comet.Testing;

/// <summary>
/// The Redis that cluster-mode test gateways share in one test process, chosen by the environment
/// variable <c>COMET_TEST_TOPOLOGY</c>: <c>single</c> (the default: one redis-server), <c>sentinel</c> (a
/// Sentinel set) or <c>cluster</c> (a Redis Cluster of three masters with replicas). Started on first
/// use and killed at process exit.
/// </summary>
public static class SharedRedisTopology
{
    public const string Variable = "COMET_TEST_TOPOLOGY";

    private static readonly Lazy<Task<string>> _configuration = new(StartAsync);

    /// <summary>What the environment asks for.</summary>
    public static string Kind => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } kind ? kind : "single";

    /// <summary>The gateways' <c>Comet:Redis:Configuration</c>.</summary>
    public static Task<string> ConfigurationAsync() => _configuration.Value;

    private static async Task<string> StartAsync()
    {
        RedisTopology? topology = Kind switch
        {
            "single" => null,
            "sentinel" => await RedisSentinelSet.StartAsync(),
            "cluster" => await RedisClusterSet.StartAsync(),
            var other => throw new InvalidOperationException($"{Variable}={other}: expected single, sentinel or cluster."),
        };
        if (topology is null)
        {
            return (await SharedTestRedis.GetAsync()).Configuration;
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => topology.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return topology.Configuration;
    }
}
