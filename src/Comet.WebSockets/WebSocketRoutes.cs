using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Comet.WebSockets;

/// <summary>The connect paths CppComet accepts (spec §2.1), matched on the raw request target.</summary>
internal static class WebSocketRoutes
{
    private static readonly string[] Prefixes = ["/ws/", "//ws/", "/comet-server/ws/", "//comet-server/ws/"];

    /// <summary>True for a WebSocket route; <paramref name="urlPart"/> is what follows <c>ws/</c>.</summary>
    public static bool TryMatch(HttpContext context, out string urlPart) =>
        TryMatch(context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "", out urlPart);

    /// <summary>True when the raw request target is a WebSocket route.</summary>
    public static bool TryMatch(string target, out string urlPart)
    {
        foreach (var prefix in Prefixes)
        {
            if (target.StartsWith(prefix, StringComparison.Ordinal))
            {
                urlPart = target[prefix.Length..];
                return true;
            }
        }
        urlPart = "";
        return false;
    }
}
