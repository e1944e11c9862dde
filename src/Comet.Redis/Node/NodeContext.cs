using Comet.Core.Diagnostics;
using Comet.Core.Engine;
using Comet.Core.Options;
using Microsoft.Extensions.Logging;

namespace Comet.Redis.Node;

/// <summary>What the engine's parts share on one node once the engine has started.</summary>
internal sealed class NodeContext(
    string node,
    RedisClient client,
    RedisKeys keys,
    LimitsOptions limits,
    TimeProvider time,
    ILocalDelivery delivery,
    LocalConnections connections,
    UserLanes lanes,
    CometMetrics? metrics,
    ILogger logger)
{
    public string Node { get; } = node;
    public RedisClient Client { get; } = client;
    public RedisKeys Keys { get; } = keys;
    public LimitsOptions Limits { get; } = limits;
    public TimeProvider Time { get; } = time;
    public ILocalDelivery Delivery { get; } = delivery;
    public LocalConnections Connections { get; } = connections;
    public UserLanes Lanes { get; } = lanes;
    public CometMetrics? Metrics { get; } = metrics;
    public ILogger Logger { get; } = logger;

    /// <summary>Set once the router exists (it needs the take callback from the inbox).</summary>
    public PubSubRouter Router { get; set; } = null!;

    /// <summary>Set at start, right after the context.</summary>
    public PersonalInbox Inbox { get; set; } = null!;

    public long NowSeconds => Time.GetUtcNow().ToUnixTimeSeconds();

    private int _restoreRequested;

    /// <summary>Asks the next heartbeat to register every local connection and subscription again (Redis
    /// may have missed a change that failed or timed out; registering again is idempotent).</summary>
    public void RequestRestore() => Volatile.Write(ref _restoreRequested, 1);

    /// <summary>True once per request (the lease then restores, and asks again if that fails).</summary>
    public bool TakeRestoreRequest() => Interlocked.Exchange(ref _restoreRequested, 0) == 1;
}
