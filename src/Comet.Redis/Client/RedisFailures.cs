using Polly.Timeout;
using StackExchange.Redis;

namespace Comet.Redis.Client;

/// <summary>What a failed Redis call means for the caller.</summary>
internal enum RedisFailure
{
    /// <summary>Not a storage failure (a script error, a bug): it surfaces as it is.</summary>
    None,

    /// <summary>Redis refused the command or it was never sent: retrying cannot duplicate it.</summary>
    NotExecuted,

    /// <summary>The command was sent but no answer came (a timeout, a connection lost mid-flight): it may
    /// have taken effect, so it is not retried.</summary>
    OutcomeUnknown,
}

/// <summary>
/// Sorts Redis errors into <see cref="RedisFailure"/> kinds, and says which ones mean the client's view
/// of the topology is stale (a failover, a slot moving, a master demoted).
/// </summary>
internal static class RedisFailures
{
    // Errors by which Redis refuses a command without running it: a replica asked to write (a demoted
    // master), a cluster without a quorum or with an uncovered slot, a slot moving, a dataset still
    // loading, a replica with no master, too few replicas for min-replicas-to-write, a busy script.
    private static readonly string[] RefusalPrefixes =
        ["READONLY", "CLUSTERDOWN", "TRYAGAIN", "MOVED", "ASK", "LOADING", "MASTERDOWN", "NOREPLICAS", "BUSY "];

    private static readonly string[] TopologyPrefixes = ["READONLY", "CLUSTERDOWN", "MOVED", "MASTERDOWN"];

    public static RedisFailure Classify(Exception e) => e switch
    {
        RedisServerException server when StartsWithAny(server.Message, RefusalPrefixes) => RedisFailure.NotExecuted,
        // The library's own refusal to send a write to a node it knows is a replica.
        RedisCommandException command when IsReplicaRefusal(command) => RedisFailure.NotExecuted,
        RedisConnectionException connection => connection.CommandStatus == CommandStatus.Sent
            ? RedisFailure.OutcomeUnknown
            : RedisFailure.NotExecuted,
        RedisTimeoutException timeout => timeout.Commandstatus is CommandStatus.WaitingToBeSent or CommandStatus.WaitingInBacklog
            ? RedisFailure.NotExecuted
            : RedisFailure.OutcomeUnknown,
        TimeoutRejectedException or TimeoutException => RedisFailure.OutcomeUnknown,
        NotReplicatedException => RedisFailure.OutcomeUnknown,
        ObjectDisposedException => RedisFailure.NotExecuted,
        _ => RedisFailure.None,
    };

    /// <summary>True when the error says the client routed by a stale view of who is master where.</summary>
    public static bool MeansStaleTopology(Exception e) => e switch
    {
        RedisServerException server => StartsWithAny(server.Message, TopologyPrefixes),
        RedisCommandException command => IsReplicaRefusal(command),
        RedisConnectionException => true,
        RedisTimeoutException or TimeoutRejectedException => true,
        _ => false,
    };

    private static bool IsReplicaRefusal(RedisCommandException e) =>
        e.Message.Contains("cannot be issued to a replica", StringComparison.Ordinal);

    private static bool StartsWithAny(string message, string[] prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (message.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
