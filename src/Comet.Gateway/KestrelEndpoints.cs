using System.Net;
using Comet.CometQL;
using Comet.Core.ProxyProtocol;
using Comet.Core.Security;
using Comet.Gateway.Management;
using Comet.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Comet.Gateway;

/// <summary>
/// Binds the HTTP/WebSocket addresses (https:// ones with the Comet:Tls certificate) and the CometQL port. Kestrel ignores <c>urls</c> once any
/// endpoint is configured in code, so the URLs are parsed and bound here too.
/// </summary>
internal static class KestrelEndpoints
{
    public static void Configure(KestrelServerOptions kestrel, string? urls)
    {
        if (string.IsNullOrWhiteSpace(urls))
        {
            urls = GatewayApp.DefaultUrls;
        }
        var tls = kestrel.ApplicationServices.GetRequiredService<TlsCertificate>();
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            ListenHttp(kestrel, url, tls);
        }

        var cometQL = kestrel.ApplicationServices.GetRequiredService<IOptions<CometQLOptions>>().Value;
        var endpoint = kestrel.ApplicationServices.GetRequiredService<CometQLEndpoint>();
        if (!IPAddress.TryParse(cometQL.Address, out var address))
        {
            throw new OptionsValidationException(CometQLOptions.SectionName, typeof(CometQLOptions),
                [$"Comet:CometQL:Address '{cometQL.Address}' is not an IP address."]);
        }
        kestrel.Listen(address, cometQL.Port, listen =>
        {
            listen.UseProxyProtocol(ProxyProtocolPorts.CometQL, CometQLProxyRefusal.WriteAsync);
            listen.UseConnectionHandler<CometQLConnectionHandler>();
            endpoint.ListenOptions = listen;
        });

        ListenManagement(kestrel);
    }

    /// <summary>Binds the management port (plain HTTP: /metrics and the status page) unless it is disabled.</summary>
    private static void ListenManagement(KestrelServerOptions kestrel)
    {
        var options = kestrel.ApplicationServices.GetRequiredService<IOptions<ManagementOptions>>().Value;
        if (!options.Enabled)
        {
            return;
        }
        if (!IPAddress.TryParse(options.Address, out var address))
        {
            throw new OptionsValidationException(ManagementOptions.SectionName, typeof(ManagementOptions),
                [$"Comet:Management:Address '{options.Address}' is not an IP address."]);
        }
        var endpoint = kestrel.ApplicationServices.GetRequiredService<ManagementEndpoint>();
        kestrel.Listen(address, options.Port, listen => endpoint.ListenOptions = listen);
    }

    /// <summary>Binds one <c>http://</c> or <c>https://</c> (wss, with the <c>Comet:Tls</c> certificate) URL.</summary>
    private static void ListenHttp(KestrelServerOptions kestrel, string url, TlsCertificate tls)
    {
        if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal),
                UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw UrlProblem(
                $"The URL '{url}' is not supported: use http://HOST:PORT, or https://HOST:PORT with a certificate in Comet:Tls.");
        }
        var https = uri.Scheme == Uri.UriSchemeHttps;
        if (https && !tls.IsConfigured)
        {
            throw UrlProblem(
                $"The URL '{url}' is https but no certificate is configured: set Comet:Tls:CertificateFile + KeyFile or Comet:Tls:PfxFile (or terminate TLS at the load balancer and use http://).");
        }
        Action<ListenOptions> configure = listen =>
        {
            // The PROXY header comes first on the wire, before TLS and the HTTP request.
            listen.UseProxyProtocol(ProxyProtocolPorts.Http, ProxyRefusals.WriteHttpAsync);
            if (https)
            {
                listen.UseHttps(tls.Certificate!);
            }
            listen.UseCometWebSocketConnections(kestrel);
        };
        if (uri.IsLoopback && uri.Host == "localhost")
        {
            kestrel.ListenLocalhost(uri.Port, configure);
        }
        else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address))
        {
            kestrel.Listen(address, uri.Port, configure);
        }
        else
        {
            throw UrlProblem($"The URL '{url}' must name an IP address, localhost, * or +.");
        }
    }

    private static OptionsValidationException UrlProblem(string message) =>
        new("urls", typeof(KestrelServerOptions), [message]);
}
