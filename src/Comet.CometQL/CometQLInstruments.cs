using System.Diagnostics.Metrics;
using Comet.Core.Diagnostics;
using Comet.CometQL.Limits;

namespace Comet.CometQL;

/// <summary>
/// CometQL's own instruments on the gateway meter (<see cref="CometMetrics.MeterName"/>): TLS
/// sessions, failed logins, refused connections. They reach OpenTelemetry and <c>SHOW STATUS</c>
/// like every other instrument of the meter.
/// </summary>
internal sealed class CometQLInstruments
{
    private readonly Counter<long> _tlsSessions;
    private readonly Counter<long> _loginFailures;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _loginTimeouts;

    public CometQLInstruments(IMeterFactory meterFactory, FailedLoginTracker failedLogins)
    {
        var meter = meterFactory.Create(CometMetrics.MeterName);
        _tlsSessions = meter.CreateCounter<long>("comet.cometql.tls.sessions", description: "CometQL connections upgraded to TLS.");
        _loginFailures = meter.CreateCounter<long>("comet.cometql.login.failures", description: "Failed CometQL logins (wrong key or login name).");
        _loginTimeouts = meter.CreateCounter<long>("comet.cometql.login.timeouts", description: "CometQL connections closed because the login did not finish in time.");
        _rejected = meter.CreateCounter<long>("comet.cometql.connections.rejected",
            description: "CometQL connections refused before the greeting, by reason (node_limit, descriptor_limit, address_limit, address_blocked, draining) or at login (tls_required).");
        meter.CreateObservableGauge("comet.cometql.blocked_addresses", () => failedLogins.BlockedCount,
            description: "Client addresses refused now because of too many failed CometQL logins.");
    }

    public void TlsSession() => _tlsSessions.Add(1);

    public void LoginFailed() => _loginFailures.Add(1);

    public void LoginTimedOut() => _loginTimeouts.Add(1);

    public void Rejected(string reason) => _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
