using Comet.CometQL;
using Comet.Core;
using Comet.Gateway.Drain;
using Comet.Gateway.Management;
using Comet.Gateway.Management.Status;
using Comet.Node;
using Comet.Redis;
using Comet.WebSockets;
using Microsoft.Extensions.Options;

namespace Comet.Gateway;

/// <summary>Builds the gateway: one process serving HTTP/WebSocket and the CometQL port.</summary>
public static class GatewayApp
{
    /// <summary>The HTTP/WebSocket address when neither <c>ASPNETCORE_URLS</c> nor <c>--urls</c> is set.</summary>
    public const string DefaultUrls = "http://127.0.0.1:8087";

    /// <summary>Builds the application from ordinary ASP.NET Core configuration (files, environment, command line).</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var configuration = builder.Configuration;
        // KestrelEndpoints binds these addresses itself. Left in the configuration, Kestrel would see them
        // too and warn at every start that it overrides them. An empty value would make the host fall back
        // to the value it read at start; ";" is a list of no addresses.
        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        configuration[WebHostDefaults.ServerUrlsKey] = ";";

        builder.Services.AddCometCore(configuration);
        if (string.IsNullOrWhiteSpace(configuration["Comet:Redis:Configuration"]))
        {
            builder.Services.AddMemoryEngine();
        }
        else
        {
            builder.Services.AddRedisEngine(configuration);
        }
        // Transports -> node -> engine (docs/architecture.md); the node starts the engine before the transports.
        builder.Services.AddCometNode();
        builder.Services.AddCometQL(configuration);
        builder.Services.AddCometWebSockets(configuration);
        var management = builder.Services.AddManagement(configuration);
        builder.Services.AddGatewayTelemetry(configuration, prometheus: management);
        builder.Services.AddHostedService<StorageAvailabilityGauge>();
        builder.Services.AddGatewayDrain(configuration);
        builder.Services.AddSingleton<CometQLEndpoint>();
        builder.Services.AddKestrelLimits(configuration);

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            // The first code to read options (builder.Build() creates the server): check them all here,
            // so that every problem is reported at once (StartupProblems), not the first one read.
            kestrel.ApplicationServices.GetService<IStartupValidator>()?.Validate();
            KestrelEndpoints.Configure(kestrel, urls);
        });
        // Socket completions run inline on the socket engine's threads (SocketEngineDefaults) or on the
        // thread pool; either way letting Kestrel's pipes continue inline saves one more hop per read and
        // per write (its IOQueue): a CometQL round trip and every WebSocket frame sent. Measured in
        // docs/benchmarks.md ("Hot-path changes").
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);

        var app = builder.Build();
        app.UseManagementEndpoints();
        app.UseCometHttpHeaders();
        app.UseCometWebSockets();
        app.MapCometHttpEndpoints();
        app.MapCometClientScripts();
        if (management)
        {
            app.MapStatusPage();
        }
        return app;
    }
}
