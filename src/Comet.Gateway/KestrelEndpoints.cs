using System.Net;
using Comet.CometQL;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Comet.Gateway;

/// <summary>
/// Binds the HTTP/WebSocket addresses and the CometQL port. Kestrel ignores <c>urls</c> once any
/// endpoint is configured in code, so the URLs are parsed and bound here too.
/// </summary>
internal static class KestrelEndpoints
{
    public static void Configure(KestrelServerOptions kestrel, IConfiguration configuration)
    {
        var urls = configuration["urls"];
        if (string.IsNullOrWhiteSpace(urls))
        {
            urls = GatewayApp.DefaultUrls;
        }
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            ListenHttp(kestrel, url);
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
            listen.UseConnectionHandler<CometQLConnectionHandler>();
            endpoint.ListenOptions = listen;
        });
    }

    private static void ListenHttp(KestrelServerOptions kestrel, string url)
    {
        if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal),
                UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new InvalidOperationException(
                $"The URL '{url}' is not supported: use http://HOST:PORT (terminate TLS at the load balancer).");
        }
        if (uri.IsLoopback && uri.Host == "localhost")
        {
            kestrel.ListenLocalhost(uri.Port);
        }
        else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address))
        {
            kestrel.Listen(address, uri.Port);
        }
        else
        {
            throw new InvalidOperationException($"The URL '{url}' must name an IP address, localhost, * or +.");
        }
    }
}
