using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Comet.Core.ProxyProtocol;

/// <summary>Registers the PROXY protocol's options and puts its middleware on a listener.</summary>
public static class ProxyProtocolExtensions
{
    public static IServiceCollection AddProxyProtocol(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(s => s.ServiceType == typeof(TrustedProxies)))
        {
            return services;
        }
        services.AddOptions<ProxyProtocolOptions>()
            .Bind(configuration.GetSection(ProxyProtocolOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProxyProtocolOptions>, ProxyProtocolOptionsValidator>();
        services.AddSingleton<TrustedProxies>();
        services.AddSingleton<ProxyProtocolInstruments>();
        return services;
    }

    /// <summary>Reads PROXY headers from the trusted proxies on this listener when <paramref name="port"/>
    /// is one of the configured ports; call it first, before <c>UseHttps</c> (the header precedes TLS).</summary>
    public static ListenOptions UseProxyProtocol(this ListenOptions listen, ProxyProtocolPorts port, ProxyRefusal refusal)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var services = listen.ApplicationServices;
        var trusted = services.GetRequiredService<TrustedProxies>();
        if ((trusted.Ports & port) == 0)
        {
            return listen;
        }
        var name = port == ProxyProtocolPorts.CometQL ? "cometql" : "http";
        var middleware = new ProxyProtocolMiddleware(
            trusted,
            services.GetRequiredService<IOptions<ProxyProtocolOptions>>().Value.HeaderTimeout,
            name,
            refusal,
            services.GetRequiredService<ProxyProtocolInstruments>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger("Comet.ProxyProtocol"));
        listen.Use(middleware.Wrap);
        return listen;
    }
}
