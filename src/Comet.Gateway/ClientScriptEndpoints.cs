using Comet.Client;
using Microsoft.Net.Http.Headers;

namespace Comet.Gateway;

/// <summary>
/// Serves the browser client (src/Comet.Client) at <c>/comet-server/js/{file}</c>: CometServerApi.js,
/// comet.js, comet.d.ts. Browsers revalidate with If-None-Match and get 304 while the gateway's
/// version is unchanged, so an upgrade reaches them on the next load.
/// </summary>
internal static class ClientScriptEndpoints
{
    public const string PathPrefix = "/comet-server/js/";

    public static WebApplication MapCometClientScripts(this WebApplication app)
    {
        app.MapGet(PathPrefix + "{file}", (string file, HttpContext context) =>
        {
            var script = ClientScripts.Find(file);
            if (script is null)
            {
                return Task.FromResult(Results.NotFound());
            }
            var headers = context.Response.Headers;
            headers.ETag = script.ETag;
            headers.CacheControl = "public, no-cache";
            headers.XContentTypeOptions = "nosniff";
            var ifNoneMatch = context.Request.GetTypedHeaders().IfNoneMatch;
            if (ifNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Tag.Equals(script.ETag, StringComparison.Ordinal)))
            {
                return Task.FromResult(Results.StatusCode(StatusCodes.Status304NotModified));
            }
            return Task.FromResult(Results.Bytes(script.Content, script.ContentType));
        });
        return app;
    }
}
