using Comet.Core.Diagnostics;
using Comet.Core.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Comet.Gateway;

/// <summary>
/// OpenTelemetry through the hosting extensions: the gateway's meter (<c>Comet.Gateway</c>), ASP.NET
/// Core's and Kestrel's, and the runtime's (<c>System.Runtime</c>: GC, thread pool, JIT, exceptions).
/// Metrics are served to Prometheus on the management port's <c>/metrics</c> when it is enabled
/// (ManagementEndpoints), and exported over OTLP with traces (<see cref="CometTracing.SourceName"/>)
/// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; the OTLP exporter reads the other <c>OTEL_*</c>
/// variables itself (protocol, headers, interval, resource attributes).
/// </summary>
internal static class GatewayTelemetry
{
    /// <summary>The service name when <c>OTEL_SERVICE_NAME</c> does not give one.</summary>
    public const string DefaultServiceName = "comet-gateway";

    /// <summary>The meters the gateway exports.</summary>
    public static readonly string[] Meters =
    [
        CometMetrics.MeterName,
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "System.Runtime",
    ];

    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services, IConfiguration configuration, bool prometheus)
    {
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (!otlp && !prometheus)
        {
            return services;
        }
        var serviceName = configuration["OTEL_SERVICE_NAME"];
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddDetector(new NodeResource(NodeName(configuration), serviceName)))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters);
                if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing.AddSource(CometTracing.SourceName).AddOtlpExporter());
        }
        return services;
    }

    /// <summary>
    /// The node name as CometOptions binds it, read without its validation: the meter provider is built
    /// while the options are validated, and a problem in them is StartupProblems' to report, not this one's.
    /// </summary>
    private static string NodeName(IConfiguration configuration)
    {
        var options = new CometOptions();
        configuration.GetSection(CometOptions.SectionName).Bind(options);
        return options.NodeName;
    }

    /// <summary>The service (unless OTEL_SERVICE_NAME names it) and this node's name as its instance id.</summary>
    private sealed class NodeResource(string node, string? serviceName) : IResourceDetector
    {
        public Resource Detect()
        {
            var attributes = new Dictionary<string, object> { ["service.instance.id"] = node };
            if (string.IsNullOrWhiteSpace(serviceName))
            {
                attributes["service.name"] = DefaultServiceName;
            }
            return new Resource(attributes);
        }
    }
}
