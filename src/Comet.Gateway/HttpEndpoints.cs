using System.Text;
using Comet.Core.Options;
using Comet.Gateway.Drain;
using Comet.Node;
using Microsoft.Extensions.Options;

namespace Comet.Gateway;

/// <summary>The plain HTTP side of the ws port (spec §3): /info, OPTIONS, health checks.</summary>
internal static class HttpEndpoints
{
    private static readonly byte[] OptionsBody = "+OK\r\n"u8.ToArray();

    /// <summary>Adds CppComet's response headers to every HTTP answer.</summary>
    public static WebApplication UseCometHttpHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers["Comet-Server"] = "Comet.Gateway";
            headers.AccessControlAllowOrigin = "*";
            if (HttpMethods.IsOptions(context.Request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "text/plain";
                return context.Response.Body.WriteAsync(OptionsBody).AsTask();
            }
            return next(context);
        });
        return app;
    }

    public static WebApplication MapCometHttpEndpoints(this WebApplication app)
    {
        var nodeName = app.Services.GetRequiredService<IOptions<CometOptions>>().Value.NodeName;
        var info = Encoding.UTF8.GetBytes($"{{\"status\":\"ok\",\"node\":\"{EscapeJson(nodeName.PadRight(10, '_'))}\"}}");

        app.MapGet("/info", (HttpContext context) => WriteJson(context, info));
        app.MapGet("/comet-server/info", (HttpContext context) => WriteJson(context, info));
        app.MapGet("/health/live", () => Results.Text("ok"));
        app.MapGet("/health/ready", (CometNode node, GatewayDrain drain) =>
            drain.IsDraining ? Results.Text("draining", statusCode: StatusCodes.Status503ServiceUnavailable)
            : node.IsReady ? Results.Text("ready")
            : Results.Text("storage unavailable", statusCode: StatusCodes.Status503ServiceUnavailable));
        return app;
    }

    private static Task WriteJson(HttpContext context, byte[] body)
    {
        context.Response.ContentType = "application/json";
        return context.Response.Body.WriteAsync(body).AsTask();
    }

    private static string EscapeJson(string value) =>
        System.Text.Json.JsonEncodedText.Encode(value).ToString();
}
