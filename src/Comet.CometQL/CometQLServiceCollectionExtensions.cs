using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.CometQL;

/// <summary>Registers the CometQL (MySQL protocol) transport.</summary>
public static class CometQLServiceCollectionExtensions
{
    public static IServiceCollection AddCometQL(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CometQLOptions>()
            .Bind(configuration.GetSection(CometQLOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<CometQLConnectionHandler>();
        return services;
    }
}
