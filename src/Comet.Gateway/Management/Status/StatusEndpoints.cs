using System.Reflection;
using System.Text.Json;

namespace Comet.Gateway.Management.Status;

/// <summary>
/// The status page on the management port: <c>GET /status</c> (the page, its charts drawn in the browser)
/// and <c>GET /status/data</c> (a JSON snapshot it polls every second). Both need the dev key (StatusAccess).
/// </summary>
internal static class StatusEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly Lazy<byte[]> Page = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Comet.Gateway.Management.Status.status.html")
            ?? throw new InvalidOperationException("The status page resource is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static WebApplication MapStatusPage(this WebApplication app)
    {
        var endpoint = app.Services.GetRequiredService<ManagementEndpoint>();
        var access = new StatusAccess(app.Services.GetRequiredService<Comet.Core.Security.DevKeyProvider>());
        app.MapGet("/status", (HttpContext context) => Guard(context, endpoint, access) ?? Results.Bytes(Page.Value, "text/html; charset=utf-8"));
        app.MapGet("/status/data", async (HttpContext context) =>
            Guard(context, endpoint, access)
            ?? Results.Json(await StatusSnapshot.TakeAsync(context.RequestServices, context.RequestAborted), Json));
        return app;
    }

    /// <summary>404 off the management port (the public port has no status page), 401 without the key, else null.</summary>
    private static IResult? Guard(HttpContext context, ManagementEndpoint endpoint, StatusAccess access)
    {
        if (!endpoint.IsManagementRequest(context))
        {
            return Results.NotFound();
        }
        context.Response.Headers.CacheControl = "no-store";
        if (!access.IsAllowed(context.Request))
        {
            context.Response.Headers.WWWAuthenticate = StatusAccess.Challenge;
            return Results.Unauthorized();
        }
        return null;
    }
}
