using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Comet.Node;

/// <summary>Registers the node between the transports and the engine.</summary>
public static class NodeServiceCollectionExtensions
{
    /// <summary>Adds the node. Register it before the transports: hosted services start in order, and
    /// the node starts the engine.</summary>
    public static IServiceCollection AddCometNode(this IServiceCollection services)
    {
        services.TryAddSingleton<CometNode>();
        services.AddHostedService<NodeHostedService>();
        return services;
    }
}
