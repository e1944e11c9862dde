using Comet.Core.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Comet.Gateway;

/// <summary>
/// Exports the gateway's meters (and ASP.NET Core's, Kestrel's) over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. The hosting extensions package is not available here,
/// so the SDK's builder is wired into DI by hand.
/// </summary>
internal static class GatewayTelemetry
{
    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return services;
        }
        services.AddSingleton(_ => Sdk.CreateMeterProviderBuilder()
            .AddMeter(CometMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
                "Microsoft.AspNetCore.Http.Connections")
            .AddOtlpExporter()
            .Build());
        services.AddHostedService<MeterProviderActivator>();
        return services;
    }

    /// <summary>Creates the meter provider at start so that it collects from the first request.</summary>
    private sealed class MeterProviderActivator(MeterProvider provider) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = provider;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
