using Comet.Core.Hub;
using Comet.WebSockets.Origins;
using Comet.WebSockets.PrivateChannels;
using Comet.WebSockets.Session;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
        services.AddSingleton<WebSocketConnectionHandler>();
        services.AddWebSocketOriginCheck(configuration);
        return services;
    }

    /// <summary>Serves the WebSocket routes and closes every connection with 1001 when the host stops.</summary>
    public static WebApplication UseCometWebSockets(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var handler = app.Services.GetRequiredService<WebSocketConnectionHandler>();
        var hub = app.Services.GetRequiredService<LocalHub>();
        app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping
            .Register(() => hub.CloseAll(CloseRequest.GoingAway));

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
