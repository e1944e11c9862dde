using Comet.Core.Diagnostics;
using Comet.Core.Options;
using Comet.Core.Security;
using Comet.Node;

namespace Comet.CometQL.Execution;

/// <summary>What a table needs to run a statement: the node, the namespace, the clock, limits, metrics.</summary>
internal sealed class StatementContext(
    CometNode node,
    CometMetrics metrics,
    TimeProvider time,
    LimitsOptions limits,
    CometJwtValidator jwt,
    SessionState session)
{
    public CometNode Node { get; } = node;
    public CometMetrics Metrics { get; } = metrics;
    public LimitsOptions Limits { get; } = limits;
    public CometJwtValidator Jwt { get; } = jwt;
    public SessionState Session { get; } = session;
    public int DevId => Session.DevId;

    /// <summary>Unix seconds now.</summary>
    public long Now => time.GetUtcNow().ToUnixTimeSeconds();
}
