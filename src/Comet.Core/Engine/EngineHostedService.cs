using Microsoft.Extensions.Hosting;

namespace Comet.Core.Engine;

/// <summary>Starts the engine with this node's hub before the transports accept traffic, and stops it last.</summary>
public sealed class EngineHostedService(ICometEngine engine, ILocalDelivery delivery) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => engine.StartAsync(delivery, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => engine.StopAsync(cancellationToken);
}
