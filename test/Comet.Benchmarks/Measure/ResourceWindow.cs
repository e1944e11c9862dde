using Comet.Benchmarks.Target;
using Comet.Testing;

namespace Comet.Benchmarks.Measure;

/// <summary>
/// CPU and memory of the gateways, of redis-server and of this load generator over one measured
/// interval. Redis is reported apart from the gateways, as the peers do.
/// </summary>
internal sealed class ResourceWindow
{
    private readonly int[] _gatewayPids;
    private readonly int? _redisPid;
    private readonly ProcessSample[] _gatewayStart;
    private readonly ProcessSample? _redisStart;
    private readonly ProcessSample _selfStart;
    private readonly RedisServer? _redis;
    private readonly RedisCommandStats? _commandsStart;

    private ResourceWindow(GatewayCluster cluster)
    {
        _gatewayPids = [.. cluster.Nodes.Where(n => n.Pid is not null).Select(n => n.Pid!.Value)];
        _redisPid = cluster.RedisPid;
        _gatewayStart = [.. _gatewayPids.Select(ProcessSample.Read)];
        _redisStart = _redisPid is { } redis ? ProcessSample.Read(redis) : null;
        _selfStart = ProcessSample.Read(Environment.ProcessId);
        _redis = cluster.Redis;
        _commandsStart = _redis is null ? null : RedisCommandStats.Read(_redis.Host, _redis.Port);
    }

    public static ResourceWindow Begin(GatewayCluster cluster) => new(cluster);

    public ResourceUse End()
    {
        var gatewayEnd = _gatewayPids.Select(ProcessSample.Read).ToArray();
        var gatewayCpu = _gatewayPids.Length == 0
            ? double.NaN
            : gatewayEnd.Select((end, i) => ProcessSample.CpuPercent(_gatewayStart[i], end)).Sum();
        var gatewayRss = _gatewayPids.Length == 0 ? double.NaN : gatewayEnd.Sum(s => s.RssBytes) / 1048576.0;
        var redisCpu = _redisPid is { } redis && _redisStart is { } start
            ? ProcessSample.CpuPercent(start, ProcessSample.Read(redis))
            : double.NaN;
        var selfCpu = ProcessSample.CpuPercent(_selfStart, ProcessSample.Read(Environment.ProcessId));
        var commands = _redis is not null && _commandsStart is not null
            ? [.. RedisCommandStats.Read(_redis.Host, _redis.Port).Since(_commandsStart)]
            : Array.Empty<(string, long)>();
        return new ResourceUse(gatewayCpu, gatewayRss, redisCpu, selfCpu, _redis is null ? null : commands);
    }
}

/// <summary>CPU in % of one core (summed over gateway nodes), RSS in MiB at the end of the interval, and
/// the commands redis-server ran in the interval by command (null without Redis).</summary>
internal readonly record struct ResourceUse(
    double GatewayCpu, double GatewayRssMiB, double RedisCpu, double GeneratorCpu, IReadOnlyList<(string Command, long Calls)>? RedisCommands)
{
    /// <summary>Redis commands per operation (NaN without Redis).</summary>
    public double RedisCommandsPer(double operations) =>
        RedisCommands is null || operations <= 0 ? double.NaN : RedisCommands.Sum(c => c.Calls) / operations;

    /// <summary>The commands as "publish 1.00, evalsha 0.02" per operation, for a table note.</summary>
    public string DescribeCommandsPer(double operations) =>
        RedisCommands is null || operations <= 0
            ? ""
            : string.Join(", ", RedisCommands.Take(6).Select(c => $"{c.Command} {c.Calls / operations:0.###}"));
}
