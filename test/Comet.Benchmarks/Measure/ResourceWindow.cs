using Comet.Benchmarks.Target;

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

    private ResourceWindow(GatewayCluster cluster)
    {
        _gatewayPids = [.. cluster.Nodes.Where(n => n.Pid is not null).Select(n => n.Pid!.Value)];
        _redisPid = cluster.RedisPid;
        _gatewayStart = [.. _gatewayPids.Select(ProcessSample.Read)];
        _redisStart = _redisPid is { } redis ? ProcessSample.Read(redis) : null;
        _selfStart = ProcessSample.Read(Environment.ProcessId);
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
        return new ResourceUse(gatewayCpu, gatewayRss, redisCpu, selfCpu);
    }
}

/// <summary>CPU in % of one core (summed over gateway nodes), RSS in MiB at the end of the interval.</summary>
internal readonly record struct ResourceUse(double GatewayCpu, double GatewayRssMiB, double RedisCpu, double GeneratorCpu);
