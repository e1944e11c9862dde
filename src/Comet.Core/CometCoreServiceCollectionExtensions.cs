using Comet.Core.Descriptors;
using Comet.Core.Diagnostics;
using Comet.Core.Engine;
using Comet.Core.Memory;
using Comet.Core.Options;
using Comet.Core.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Comet.Core;

/// <summary>Registers what every gateway needs: options, keys, metrics, the connections' descriptor pool. The node (Comet.Node) starts the engine.</summary>
public static class CometCoreServiceCollectionExtensions
{
    /// <summary>Adds the core services. Register an engine with <see cref="AddMemoryEngine"/> or the Redis one.</summary>
    public static IServiceCollection AddCometCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CometOptions>()
            .Bind(configuration.GetSection(CometOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<CometOptions>, CometOptionsValidator>();
        services.AddOptions<LimitsOptions>()
            .Bind(configuration.GetSection(LimitsOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(sp => new NodeIdentity(sp.GetRequiredService<IOptions<CometOptions>>().Value.NodeName));
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<CometMetrics>();
        services.TryAddSingleton<DevKeyProvider>();
        services.TryAddSingleton<CometJwtValidator>();
        // One pool for the WebSocket and CometQL connections (both transports take from it).
        services.TryAddSingleton(_ => new DescriptorPool(DescriptorLimit.SoftLimit()));
        return services;
    }

    /// <summary>Uses the embedded in-memory engine: one process, no Redis.</summary>
    public static IServiceCollection AddMemoryEngine(this IServiceCollection services)
    {
        services.TryAddSingleton<MemoryEngine>();
        services.TryAddSingleton<ICometEngine>(sp => sp.GetRequiredService<MemoryEngine>());
        services.TryAddSingleton<IClusterNodes, SingleNode>();
        return services;
    }
}
