namespace Comet.Testing;

/// <summary>
/// The gateways of a cluster that are still alive, for clients that pick one at random, and a gate that
/// lets a node be killed only between two backend statements: an INSERT cut off by the kill would leave
/// the test unable to say whether that message was sent.
/// </summary>
public sealed class LiveGateways(IEnumerable<GatewayProcess> nodes)
{
    private readonly List<GatewayProcess> _alive = [.. nodes];
    private readonly SemaphoreSlim _statements = new(1, 1);

    public IReadOnlyList<GatewayProcess> Alive
    {
        get
        {
            lock (_alive)
            {
                return [.. _alive];
            }
        }
    }

    public GatewayProcess Pick()
    {
        lock (_alive)
        {
            return _alive[Random.Shared.Next(_alive.Count)];
        }
    }

    /// <summary>Runs one backend statement on a random live node; no node is killed while it runs.</summary>
    public async Task<T> RunStatementAsync<T>(Func<GatewayProcess, Task<T>> statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        await _statements.WaitAsync();
        try
        {
            return await statement(Pick());
        }
        finally
        {
            _statements.Release();
        }
    }

    /// <summary>Takes <paramref name="node"/> out of the live set and kills it with SIGKILL, between statements.</summary>
    public async Task KillAsync(GatewayProcess node)
    {
        ArgumentNullException.ThrowIfNull(node);
        await _statements.WaitAsync();
        try
        {
            lock (_alive)
            {
                _alive.Remove(node);
            }
            node.Kill();
        }
        finally
        {
            _statements.Release();
        }
    }
}
