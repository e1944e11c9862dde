using Comet.Core.ProxyProtocol;
using Comet.Node;
using Comet.WebSockets.Admission;
using Comet.WebSockets.Origins;
using Comet.WebSockets.PrivateChannels;
using Comet.WebSockets.Session;
using Comet.WebSockets.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Comet.WebSockets;

/// <summary>Wires the CppComet WebSocket protocol into the gateway.</summary>
public static class CometWebSocketExtensions
{
    /// <summary>Registers the protocol's options (section <c>Comet:WebSocket</c>) and services.</summary>
    public static IServiceCollection AddCometWebSockets(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CometWebSocketOptions>()
            .Bind(configuration.GetSection(CometWebSocketOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<CometWebSocketOptions>, CometWebSocketOptionsValidator>();
        services.AddHttpClient(PrivateChannelAuthorizer.HttpClientName);
        services.AddSingleton<PrivateChannelAuthorizer>();
        services.AddSingleton<ClientAuthenticator>();
        services.AddSingleton<SessionServices>();
        services.AddSingleton<WebSocketLimitMetrics>();
        services.AddSingleton<WebSocketAdmission>();
        services.AddSingleton(sp => new WebSocketDrain(
            sp.GetRequiredService<CometNode>(), sp.GetRequiredService<WebSocketAdmission>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<WebSocketConnectionHandler>();
        services.AddSingleton<KeepAliveSweeper>();
        services.AddHostedService(provider => provider.GetRequiredService<KeepAliveSweeper>());
        services.AddSingleton<TokenExpirySweeper>();
        services.AddHostedService(provider => provider.GetRequiredService<TokenExpirySweeper>());
        services.AddWebSocketOriginCheck(configuration);
        services.AddProxyProtocol(configuration);
        return services;
    }

    /// <summary>Takes WebSocket upgrades straight off the connections of an HTTP listener (add it after
    /// <c>UseHttps</c>); every other request goes on to the HTTP stack. <paramref name="kestrel"/> is
    /// the server's options being configured (its limits bound the handshake).</summary>
    public static ListenOptions UseCometWebSocketConnections(this ListenOptions listen, KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(kestrel);
        var services = listen.ApplicationServices;
        var middleware = new DirectUpgradeMiddleware(services.GetRequiredService<WebSocketConnectionHandler>(), kestrel.Limits,
            services.GetRequiredService<ProxyProtocolInstruments>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger("Comet.WebSockets.Transport"));
        listen.Use(middleware.Wrap);
        return listen;
    }

    /// <summary>Serves the WebSocket routes that reach the HTTP stack (a later request on a kept-alive
    /// connection, HTTP/2); a plain request to them gets 400. When the host stops, the gateway's drain
    /// refuses new connections and closes the open ones (<see cref="WebSocketDrain"/>).</summary>
    public static WebApplication UseCometWebSockets(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var handler = app.Services.GetRequiredService<WebSocketConnectionHandler>();
        app.Use(async (context, next) =>
        {
            if (!WebSocketRoutes.TryMatch(context, out var urlPart))
            {
                await next(context);
                return;
            }
            if (HttpContextUpgrade.TryCreate(context, urlPart) is { } upgrade)
            {
                await handler.HandleAsync(upgrade);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("This is the CppComet WebSocket endpoint: connect with a WebSocket client.", context.RequestAborted);
        });
        return app;
    }
}
