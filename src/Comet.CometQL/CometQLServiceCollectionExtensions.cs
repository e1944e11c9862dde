using Comet.Core.Diagnostics;
using Comet.Core.Security;
using Comet.CometQL.Execution;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
        services.AddSingleton<DatabaseSelector>();
        services.AddSingleton<StatementExecutor>();
        services.AddSingleton(sp => new CometQLConnectionHandler(
            sp.GetRequiredService<StatementExecutor>(),
            sp.GetRequiredService<DatabaseSelector>(),
            sp.GetRequiredService<DevKeyProvider>(),
            sp.GetRequiredService<CometMetrics>(),
            sp.GetRequiredService<IOptions<CometQLOptions>>(),
            sp.GetRequiredService<ILogger<CometQLConnectionHandler>>()));
        return services;
    }
}
