using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Comet.WebSockets.Origins;

/// <summary>
/// Registers the allow-list of <c>Comet:WebSocket:AllowedOrigins</c>: WebSocket upgrades from browser
/// pages with another <c>Origin</c> are refused with 403 before the upgrade (cross-site WebSocket
/// hijacking: another site's page would otherwise connect with the visitor's cookies and session);
/// the check itself is the first step of WebSocketConnectionHandler.
/// </summary>
internal static class OriginCheck
{
    /// <summary>Registers the validated allow-list.</summary>
    public static IServiceCollection AddWebSocketOriginCheck(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebSocketOriginOptions>()
            .Bind(configuration.GetSection(CometWebSocketOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebSocketOriginOptions>, WebSocketOriginOptionsValidator>();
        services.AddSingleton(provider => new OriginAllowList(provider.GetRequiredService<IOptions<WebSocketOriginOptions>>().Value.AllowedOrigins));
        return services;
    }
}
