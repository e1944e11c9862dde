using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.WebSockets;

// PLACEHOLDER: the WebSocket work replaces this with the CppComet protocol.
public static class CometWebSocketExtensions
{
    public static IServiceCollection AddCometWebSockets(this IServiceCollection services, IConfiguration configuration) => services;

    public static WebApplication UseCometWebSockets(this WebApplication app) => app;
}
