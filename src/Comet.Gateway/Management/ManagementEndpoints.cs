namespace Comet.Gateway.Management;

/// <summary>What the management port serves: Prometheus's <c>/metrics</c>. Nothing of it answers on the public port.</summary>
internal static class ManagementEndpoints
{
    public const string MetricsPath = "/metrics";

    public static WebApplication UseManagementEndpoints(this WebApplication app)
    {
        var endpoint = app.Services.GetRequiredService<ManagementEndpoint>();
        if (!app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ManagementOptions>>().Value.Enabled)
        {
            return app;
        }
        app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
            endpoint.IsManagementRequest(context) && context.Request.Path == MetricsPath);
        return app;
    }
}
