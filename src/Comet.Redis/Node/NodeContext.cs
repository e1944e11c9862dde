using Comet.Core.Diagnostics;
using Comet.Core.Engine;
using Comet.Core.Options;
using Comet.Redis.Client;
using Microsoft.Extensions.Logging;

namespace Comet.Redis.Node;

/// <summary>What the engine's parts share on one node once the engine has started.</summary>
internal sealed class NodeContext(
    NodeIdentity identity,
    RedisClient client,
    RedisKeys keys,
    LimitsOptions limits,
    TimeProvider time,
    ILocalNode local,
    UserLanes lanes,
    CometMetrics? metrics,
    ILogger logger)
{
    private string _registration = identity.Id;
    private int _generation;
    private int _restoreRequested;

    /// <summary>This process: the origin of the pipe messages it publishes (it delivered them itself).</summary>
    public NodeIdentity Identity { get; } = identity;

    public RedisClient Client { get; } = client;
    public RedisKeys Keys { get; } = keys;
    public LimitsOptions Limits { get; } = limits;
    public TimeProvider Time { get; } = time;

    /// <summary>The node: where messages for local clients go, and what is local.</summary>
    public ILocalNode Local { get; } = local;

    public UserLanes Lanes { get; } = lanes;
    public CometMetrics? Metrics { get; } = metrics;
    public ILogger Logger { get; } = logger;

    /// <summary>Set once the router exists (it needs the take callback from the inbox).</summary>
    public PubSubRouter Router { get; set; } = null!;

    /// <summary>Set at start, right after the context.</summary>
    public PersonalInbox Inbox { get; set; } = null!;

    /// <summary>
    /// The id this node's connections and subscriptions are registered under in Redis: the identity,
    /// then a new one each time the node finds its registration lost or reaped, or after a failover
    /// may have lost some of its writes. The old id is then reaped like a dead node's, so nothing it
    /// left behind can strand a user online.
    /// </summary>
    public string Registration => Volatile.Read(ref _registration);

    public long NowSeconds => Time.GetUtcNow().ToUnixTimeSeconds();

    public long NowMilliseconds => Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Switches to a new registration id and returns the old one.</summary>
    public string Reincarnate()
    {
        var next = Identity.Id + "." + Interlocked.Increment(ref _generation).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Interlocked.Exchange(ref _registration, next);
    }

    /// <summary>
    /// Runs a registration under the current id, and again under the new one if the node switched ids
    /// meanwhile (a registration that raced with the switch would otherwise be reaped with the old id).
    /// </summary>
    public async Task RegisterUnderCurrentIdAsync(Func<string, Task> register)
    {
        while (true)
        {
            var id = Registration;
            await register(id).ConfigureAwait(false);
            if (Registration == id)
            {
                return;
            }
        }
    }

    private int _freshRegistrationRequested;

    /// <summary>Asks the next heartbeat to take a new registration id (so that the old one's leftovers,
    /// which this node cannot name, are reaped).</summary>
    public void RequestFreshRegistration() => Volatile.Write(ref _freshRegistrationRequested, 1);

    /// <summary>True once per request.</summary>
    public bool TakeFreshRegistrationRequest() => Interlocked.Exchange(ref _freshRegistrationRequested, 0) == 1;

    /// <summary>Asks the next heartbeat to register every local connection and subscription again (registering
    /// everything failed this time; registering again is idempotent).</summary>
    public void RequestRestore() => Volatile.Write(ref _restoreRequested, 1);

    /// <summary>True once per request (the lease then restores, and asks again if that fails).</summary>
    public bool TakeRestoreRequest() => Interlocked.Exchange(ref _restoreRequested, 0) == 1;
}
