using System.Diagnostics;

namespace Comet.Testing.Redis;

/// <summary>
/// A highly available Redis made of real redis-server processes on loopback (a Sentinel set or a
/// Cluster), with the faults production sees: a master killed with SIGKILL, a master that hangs, a
/// manual failover. Each fault returns when a replica has become master, with the times measured.
/// </summary>
public abstract class RedisTopology : IAsyncDisposable
{
    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("comet-redis-topology-").FullName;

    /// <summary>"sentinel" or "cluster".</summary>
    public abstract string Kind { get; }

    /// <summary>The gateway's <c>Comet:Redis:Configuration</c> for this topology.</summary>
    public abstract string Configuration { get; }

    /// <summary>Every data server (masters and replicas), running or killed.</summary>
    public abstract IReadOnlyList<RedisProcess> DataServers { get; }

    /// <summary>Every process of the topology (data servers and sentinels).</summary>
    public virtual IEnumerable<RedisProcess> Processes => DataServers;

    /// <summary>The end of every process's log, for a failing test's report.</summary>
    public string Logs(int lines = 30) =>
        string.Join("\n", Processes.Select(p => $"--- redis {p.Address} ---\n{p.LogTail(lines)}"));

    protected string Folder(string name) => Path.Combine(_directory, name);

    /// <summary>The data server that is master of <paramref name="key"/>'s slot now.</summary>
    public abstract Task<RedisProcess> MasterForAsync(string key);

    /// <summary>The replica that will take over from <paramref name="master"/>.</summary>
    public abstract Task<RedisProcess> ReplicaOfAsync(RedisProcess master);

    /// <summary>Kills the master of <paramref name="key"/> with SIGKILL and waits for its replica to be promoted.</summary>
    public async Task<FailoverTiming> KillMasterAsync(string key)
    {
        var master = await MasterForAsync(key);
        var replica = await ReplicaOfAsync(master);
        var clock = Stopwatch.StartNew();
        master.Kill();
        return await WaitForPromotionAsync(master, replica, clock);
    }

    /// <summary>Makes the master of <paramref name="key"/> hang (<c>DEBUG SLEEP</c>) and waits for its replica to be promoted.</summary>
    public async Task<FailoverTiming> HangMasterAsync(string key, TimeSpan hang)
    {
        var master = await MasterForAsync(key);
        var replica = await ReplicaOfAsync(master);
        var clock = Stopwatch.StartNew();
        await RespClient.SendAsync(master.Port, "DEBUG", "SLEEP", hang.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return await WaitForPromotionAsync(master, replica, clock);
    }

    /// <summary>Runs a manual failover of the master of <paramref name="key"/> and waits for it.</summary>
    public async Task<FailoverTiming> FailOverAsync(string key)
    {
        var master = await MasterForAsync(key);
        var replica = await ReplicaOfAsync(master);
        var clock = Stopwatch.StartNew();
        await StartManualFailoverAsync(replica);
        return await WaitForPromotionAsync(master, replica, clock);
    }

    /// <summary>Brings killed servers back as replicas and waits until every master has a replica in sync.</summary>
    public abstract Task HealAsync();

    protected abstract Task StartManualFailoverAsync(RedisProcess replica);

    public virtual ValueTask DisposeAsync()
    {
        foreach (var server in DataServers)
        {
            server.Kill();
        }
        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Polls until <paramref name="condition"/> holds, failing with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    protected static Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout) =>
        Wait.UntilAsync(async () =>
        {
            try
            {
                return await condition();
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or System.Net.Sockets.SocketException or OperationCanceledException)
            {
                // A server that is down or busy: ask again.
                return false;
            }
        }, "the Redis topology: " + what, timeout);

    protected static async Task<string> RoleAsync(RedisProcess server) =>
        (string)((object?[])(await RespClient.ExecuteAsync(server.Port, TimeSpan.FromSeconds(1), "ROLE"))!)[0]!;

    private static async Task<FailoverTiming> WaitForPromotionAsync(RedisProcess master, RedisProcess replica, Stopwatch clock)
    {
        await UntilAsync(async () => await RoleAsync(replica) == "master", $"{replica.Address} to be promoted", TimeSpan.FromSeconds(60));
        return new FailoverTiming(master, replica, clock.Elapsed);
    }
}

/// <summary>A fault and its result: which server took over and how long after the fault it was master.</summary>
public sealed record FailoverTiming(RedisProcess OldMaster, RedisProcess NewMaster, TimeSpan PromotedAfter);
