using System.Diagnostics.Metrics;
using Comet.Core.Diagnostics;
using Comet.WebSockets.Admission;

namespace Comet.Gateway.Drain;

/// <summary>Drain progress on meter <c>Comet.Gateway</c>: whether the node drains, and how many
/// connections it still holds while it does.</summary>
internal sealed class DrainMetrics
{
    private static readonly KeyValuePair<string, object?> WebSocketTag = new("transport", "websocket");
    private static readonly KeyValuePair<string, object?> CometQLTag = new("transport", "cometql");

    public DrainMetrics(IMeterFactory meterFactory, WebSocketDrain webSockets, CometMetrics metrics)
    {
        var meter = meterFactory.Create(CometMetrics.MeterName);
        meter.CreateObservableGauge("comet.drain.active", () => webSockets.IsDraining ? 1 : 0,
            description: "1 while this node drains before it stops, else 0.");
        meter.CreateObservableGauge("comet.drain.connections_left", () => ConnectionsLeft(webSockets, metrics),
            description: "Connections a draining node still holds, by transport (websocket, cometql); nothing while it serves.");
    }

    private static IEnumerable<Measurement<long>> ConnectionsLeft(WebSocketDrain webSockets, CometMetrics metrics)
    {
        if (!webSockets.IsDraining)
        {
            return [];
        }
        return [new(webSockets.OpenConnections, WebSocketTag), new(metrics.CometQLConnections, CometQLTag)];
    }
}
