using Microsoft.Extensions.Options;

namespace Comet.Gateway.Drain;

/// <summary>Wires the graceful stop: options (section <c>Comet:Drain</c>), the host's shutdown timeout, the drain.</summary>
internal static class DrainServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayDrain(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DrainOptions>()
            .Bind(configuration.GetSection(DrainOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DrainOptions>, DrainOptionsValidator>();
        // The drain's hard bound is the host's: past it the host stops waiting for its services.
        services.AddOptions<HostOptions>()
            .Configure<IOptions<DrainOptions>>((host, drain) => host.ShutdownTimeout = drain.Value.Timeout);
        services.AddSingleton<DrainMetrics>();
        services.AddSingleton<GatewayDrain>();
        services.AddHostedService(sp => sp.GetRequiredService<GatewayDrain>());
        return services;
    }
}
