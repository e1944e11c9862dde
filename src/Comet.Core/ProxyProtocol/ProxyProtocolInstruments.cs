using System.Diagnostics.Metrics;
using Comet.Core.Diagnostics;

namespace Comet.Core.ProxyProtocol;

/// <summary>Connections refused over the PROXY protocol, on the gateway meter (SHOW STATUS and OpenTelemetry see it).</summary>
public sealed class ProxyProtocolInstruments
{
    private readonly Counter<long> _refused;

    public ProxyProtocolInstruments(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _refused = meterFactory.Create(CometMetrics.MeterName).CreateCounter<long>("comet.proxy_protocol.refused",
            description: "Connections refused for their PROXY protocol header, by port (cometql, http) and reason (untrusted, missing, malformed, timeout).");
    }

    public void Refused(string port, string reason) =>
        _refused.Add(1, new KeyValuePair<string, object?>("port", port), new KeyValuePair<string, object?>("reason", reason));
}
