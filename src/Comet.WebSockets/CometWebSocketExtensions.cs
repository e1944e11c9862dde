using Comet.Core.Hub;
using Comet.WebSockets.Admission;
using Comet.WebSockets.Origins;
using Comet.WebSockets.PrivateChannels;
using Comet.WebSockets.Session;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
            sp.GetRequiredService<LocalHub>(), sp.GetRequiredService<WebSocketAdmission>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<WebSocketConnectionHandler>();
        services.AddWebSocketOriginCheck(configuration);
        return services;
    }

    /// <summary>Serves the WebSocket routes. When the host stops, the gateway's drain refuses new
    /// connections and closes the open ones (<see cref="WebSocketDrain"/>).</summary>
    public static WebApplication UseCometWebSockets(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var handler = app.Services.GetRequiredService<WebSocketConnectionHandler>();

        // Keep-alive is set per connection (WebSocketAcceptContext), from the validated options.
        app.UseWebSockets();
        app.UseWebSocketOriginCheck();
        app.Use(async (context, next) =>
        {
            if (WebSocketRoutes.TryMatch(context, out var urlPart))
            {
                await handler.HandleAsync(context, urlPart);
                return;
            }
            await next(context);
        });
        return app;
    }
}
