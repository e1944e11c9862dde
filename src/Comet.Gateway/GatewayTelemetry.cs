using Comet.Core.Diagnostics;
using Comet.Core.Options;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Comet.Gateway;

/// <summary>
/// Exports metrics (meter <c>Comet.Gateway</c>, plus ASP.NET Core's and Kestrel's) and traces
/// (<see cref="CometTracing.SourceName"/>) over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// The exporters read the standard <c>OTEL_*</c> variables themselves (protocol, headers, export
/// interval, batch delay, resource attributes). The hosting extensions package is not available
/// here, so the SDK's builders are wired into DI by hand: created at start, disposed (flushed) at stop.
/// </summary>
internal static class GatewayTelemetry
{
    /// <summary>The service name when <c>OTEL_SERVICE_NAME</c> does not give one.</summary>
    public const string DefaultServiceName = "comet-gateway";

    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return services;
        }
        var serviceName = configuration["OTEL_SERVICE_NAME"];
        services.AddSingleton(sp => Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(Resource(sp, serviceName))
            .AddMeter(CometMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
                "Microsoft.AspNetCore.Http.Connections")
            .AddOtlpExporter()
            .Build());
        services.AddSingleton(sp => Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(Resource(sp, serviceName))
            .AddSource(CometTracing.SourceName)
            .AddOtlpExporter()
            .Build());
        services.AddHostedService<ProviderActivator>();
        return services;
    }

    /// <summary>The default resource (it reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES) plus this node's name.</summary>
    private static ResourceBuilder Resource(IServiceProvider services, string? serviceName)
    {
        var node = services.GetRequiredService<IOptions<CometOptions>>().Value.NodeName;
        var builder = ResourceBuilder.CreateDefault();
        if (string.IsNullOrWhiteSpace(serviceName))
        {
            builder.AddService(DefaultServiceName, serviceInstanceId: node);
        }
        else
        {
            builder.AddAttributes([new KeyValuePair<string, object>("service.instance.id", node)]);
        }
        return builder;
    }

    /// <summary>Creates the providers at start so that they collect from the first request.</summary>
    private sealed class ProviderActivator(MeterProvider meters, TracerProvider traces) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = meters;
            _ = traces;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
