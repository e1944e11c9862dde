using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Comet.Demo;

/// <summary>
/// The demo's HTTP API for its page. Everything real-time goes through the gateway: this backend
/// only writes CometQL (users_auth on login, users_messages for personal messages and read
/// receipts) and reads users_time; the room is a web_ pipe the pages use directly.
/// </summary>
internal static class ChatEndpoints
{
    public const string NewMessageEvent = "newMessage";
    public const string ReadMessageEvent = "readMessage";

    public sealed record LoginRequest(long UserId);
    public sealed record SendRequest(long To, string? Text);
    public sealed record ReadRequest(long From);

    public static WebApplication MapChatApi(this WebApplication app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/users", (IOptions<DemoOptions> options) =>
            options.Value.Users.Select(u => new { id = u.Id, name = u.Name }));

        api.MapPost("/login", async (LoginRequest request, HttpContext context, DemoSessions sessions, CometQL cometQL,
            IOptions<DemoOptions> options, CancellationToken cancellationToken) =>
        {
            if (options.Value.Users.All(u => u.Id != request.UserId))
            {
                return Error(StatusCodes.Status400BadRequest, $"No demo user {request.UserId}.");
            }
            var token = sessions.Start(request.UserId);
            context.Response.Cookies.Append(DemoSessions.CookieName, token, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps, Path = "/",
            });
            return Results.Json(await MeAsync(request.UserId, cometQL, options.Value, cancellationToken));
        });

        api.MapGet("/me", async (HttpContext context, DemoSessions sessions, CometQL cometQL,
            IOptions<DemoOptions> options, CancellationToken cancellationToken) =>
            // 204 when nobody is logged in: the page then shows the login (and the browser logs no error).
            sessions.UserOf(context) is { } me
                ? Results.Json(await MeAsync(me, cometQL, options.Value, cancellationToken))
                : Results.NoContent());

        api.MapPost("/logout", (HttpContext context, DemoSessions sessions) =>
        {
            sessions.End(context);
            context.Response.Cookies.Delete(DemoSessions.CookieName);
            return Results.NoContent();
        });

        api.MapGet("/contacts", async (HttpContext context, DemoSessions sessions, CometQL cometQL, ChatStore store,
            IOptions<DemoOptions> options, CancellationToken cancellationToken) =>
        {
            if (sessions.UserOf(context) is not { } me)
            {
                return Error(StatusCodes.Status401Unauthorized, "Not logged in.");
            }
            var others = options.Value.Users.Where(u => u.Id != me).ToList();
            var lastSeen = await cometQL.LastSeenAsync(others.Select(u => u.Id), cancellationToken);
            return Results.Json(others.Select(u =>
            {
                var time = lastSeen.GetValueOrDefault(u.Id, -1);
                return new { id = u.Id, name = u.Name, online = time == 0, lastSeen = time > 0 ? time : (long?)null, unread = store.Unread(me, u.Id) };
            }));
        });

        api.MapGet("/conversations/{other:long}", (long other, HttpContext context, DemoSessions sessions, ChatStore store) =>
            sessions.UserOf(context) is { } me
                ? Results.Json(store.Between(me, other).Select(ToJson))
                : Error(StatusCodes.Status401Unauthorized, "Not logged in."));

        api.MapPost("/messages", async (SendRequest request, HttpContext context, DemoSessions sessions, CometQL cometQL,
            ChatStore store, IOptions<DemoOptions> options, CancellationToken cancellationToken) =>
        {
            if (sessions.UserOf(context) is not { } me)
            {
                return Error(StatusCodes.Status401Unauthorized, "Not logged in.");
            }
            var text = request.Text?.Trim() ?? "";
            if (text.Length == 0 || text.Length > options.Value.MaxMessageLength)
            {
                return Error(StatusCodes.Status400BadRequest, $"A message has 1 to {options.Value.MaxMessageLength} characters.");
            }
            if (request.To == me || options.Value.Users.All(u => u.Id != request.To))
            {
                return Error(StatusCodes.Status400BadRequest, $"No other demo user {request.To}.");
            }
            var message = store.Add(me, request.To, text);
            await cometQL.SendPersonalAsync(request.To, NewMessageEvent, JsonSerializer.Serialize(ToJson(message)), cancellationToken);
            return Results.Json(ToJson(message));
        });

        api.MapPost("/read", async (ReadRequest request, HttpContext context, DemoSessions sessions, CometQL cometQL,
            ChatStore store, CancellationToken cancellationToken) =>
        {
            if (sessions.UserOf(context) is not { } me)
            {
                return Error(StatusCodes.Status401Unauthorized, "Not logged in.");
            }
            var upTo = store.MarkRead(me, request.From);
            if (upTo is { } id)
            {
                // The read receipt: the sender's page turns its ticks into double ticks up to this id.
                await cometQL.SendPersonalAsync(request.From, ReadMessageEvent, JsonSerializer.Serialize(new { by = me, upTo = id }), cancellationToken);
            }
            return Results.Json(new { upTo });
        });
        return app;
    }

    private static async Task<object> MeAsync(long userId, CometQL cometQL, DemoOptions options, CancellationToken cancellationToken)
    {
        var nodes = options.GatewayNodes;
        var first = (int)(userId % nodes.Count);
        var rotated = nodes.Skip(first).Concat(nodes.Take(first)).ToList();
        return new
        {
            userId,
            name = options.Users.First(u => u.Id == userId).Name,
            userKey = await cometQL.UserHashAsync(userId, cancellationToken),
            devId = options.DevId,
            nodes = rotated,
            room = options.RoomPipe,
            clientModule = ClientModuleUrl(rotated[0]),
        };
    }

    /// <summary>The gateway serves the client next to its WebSocket: http(s)://node/comet-server/js/comet.js.</summary>
    private static string ClientModuleUrl(string node)
    {
        var secure = node.StartsWith("wss://", StringComparison.OrdinalIgnoreCase);
        var host = node.Contains("://", StringComparison.Ordinal) ? node[(node.IndexOf("://", StringComparison.Ordinal) + 3)..] : node;
        return $"{(secure ? "https" : "http")}://{host.TrimEnd('/')}/comet-server/js/comet.js";
    }

    private static object ToJson(ChatMessage m) =>
        new { id = m.Id, from = m.From, to = m.To, text = m.Text, time = m.Time, read = m.Read };

    private static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);
}
