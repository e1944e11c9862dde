namespace Comet.Gateway.Management;

internal static class ManagementServiceCollectionExtensions
{
    /// <summary>The management port's options and endpoint; true when it is enabled (then /metrics is served).</summary>
    public static bool AddManagement(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ManagementOptions>()
            .Bind(configuration.GetSection(ManagementOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ManagementEndpoint>();
        return configuration.GetValue($"{ManagementOptions.SectionName}:Enabled", true);
    }
}
