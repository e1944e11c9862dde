using Microsoft.Extensions.Hosting;

namespace Comet.Node;

/// <summary>Starts the node (and with it the engine) before the transports accept traffic, and stops it last.</summary>
internal sealed class NodeHostedService(CometNode node) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => node.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => node.StopAsync(cancellationToken);
}
