using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Comet.WebSockets.Origins;

/// <summary>
/// Refuses WebSocket upgrades from browser pages whose <c>Origin</c> is not on
/// <c>Comet:WebSocket:AllowedOrigins</c> (cross-site WebSocket hijacking: another site's page would
/// otherwise connect with the visitor's cookies and session). Answered with 403 before the upgrade.
/// </summary>
internal static partial class OriginCheck
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

    /// <summary>Adds the check in front of the WebSocket routes (nothing when every origin is allowed).</summary>
    public static void UseWebSocketOriginCheck(this WebApplication app)
    {
        var allowList = app.Services.GetRequiredService<OriginAllowList>();
        if (allowList.AllowsAll)
        {
            return;
        }
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OriginCheck).FullName!);
        app.Use(async (context, next) =>
        {
            var origin = context.Request.Headers.Origin;
            if (WebSocketRoutes.TryMatch(context, out _) && !allowList.Allows(origin.Count == 0 ? null : origin.ToString()))
            {
                LogRefused(logger, origin.ToString(), context.Connection.RemoteIpAddress?.ToString());
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync("This origin may not connect.", context.RequestAborted);
                return;
            }
            await next(context);
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket from origin {Origin} ({RemoteAddress}) refused: not in Comet:WebSocket:AllowedOrigins")]
    private static partial void LogRefused(ILogger logger, string origin, string? remoteAddress);
}
