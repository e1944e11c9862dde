using Comet.Core.Diagnostics;
using Comet.Node;

namespace Comet.Gateway;

/// <summary>
/// <c>comet.storage.available</c>: 1 while the engine can serve (with Redis: the node's lease renewed within
/// its time to live), 0 otherwise; the same test as <c>/health/ready</c> less draining.
/// </summary>
internal sealed class StorageAvailabilityGauge(CometMetrics metrics, CometNode node) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        metrics.Meter.CreateObservableGauge("comet.storage.available", () => node.IsReady ? 1 : 0,
            description: "1 while the engine's storage can serve (with Redis: the node renewed its lease in time), else 0.");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
