using System.Diagnostics.Metrics;
using Comet.Core.Diagnostics;

namespace Comet.WebSockets.Admission;

/// <summary>Counts what the WebSocket limits refused or closed (meter <c>Comet.Gateway</c>).</summary>
internal sealed class WebSocketLimitMetrics
{
    private readonly Counter<long> _refused;
    private readonly Counter<long> _commandsRejected;
    private readonly Counter<long> _commandAbuseDisconnects;
    private readonly Counter<long> _slowConsumers;
    private long _slowConsumersTotal;

    public WebSocketLimitMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(CometMetrics.MeterName);
        _refused = meter.CreateCounter<long>("comet.websocket.refused",
            description: "WebSocket upgrades refused before the upgrade, by reason: draining, node_full, descriptor_limit (503), address_rate (429).");
        _commandsRejected = meter.CreateCounter<long>("comet.websocket.commands_rejected",
            description: "Client commands ignored because the connection exceeded its command rate.");
        _commandAbuseDisconnects = meter.CreateCounter<long>("comet.websocket.command_abuse_disconnects",
            description: "Connections closed (1008) because they kept exceeding their command rate.");
        _slowConsumers = meter.CreateCounter<long>("comet.websocket.slow_consumers",
            description: "Connections closed because their outbound queue overflowed.");
    }

    /// <summary>Connections closed so far because they read too slowly.</summary>
    public long SlowConsumers => Interlocked.Read(ref _slowConsumersTotal);

    public void Refused(string reason) => _refused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void CommandRejected() => _commandsRejected.Add(1);

    public void CommandAbuseDisconnected() => _commandAbuseDisconnects.Add(1);

    public void SlowConsumerClosed()
    {
        Interlocked.Increment(ref _slowConsumersTotal);
        _slowConsumers.Add(1);
    }
}
