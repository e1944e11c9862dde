using Comet.Core.Diagnostics;
using Comet.Core.Engine;

namespace Comet.Gateway;

/// <summary>
/// <c>comet.storage.available</c>: 1 while the engine can serve (with Redis: connected and its circuit
/// breaker closed), 0 otherwise; the same test as <c>/health/ready</c> less draining. A dashboard shows
/// the breaker's state per node with it.
/// </summary>
internal sealed class StorageAvailabilityGauge(CometMetrics metrics, ICometEngine engine) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        metrics.Meter.CreateObservableGauge("comet.storage.available", () => engine.IsReady ? 1 : 0,
            description: "1 while the engine's storage can serve (Redis connected, circuit breaker closed), else 0.");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
