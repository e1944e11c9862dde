using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Comet.Core.Security;
using Comet.WebSockets.Session;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Comet.WebSockets.PrivateChannels;

/// <summary>
/// Asks the site's backend whether a user may subscribe to a pipe, for the prefixes configured in
/// <c>Comet:WebSocket:PrivateChannels</c> (off by default). The request is a JSON POST signed with
/// HMAC-SHA256 under the dev key; a 2xx answer allows, anything else (or no answer in time) refuses.
/// Definite answers are cached for the life of the connection.
/// </summary>
internal sealed partial class PrivateChannelAuthorizer(
    IOptions<CometWebSocketOptions> options,
    IHttpClientFactory httpClients,
    DevKeyProvider keys,
    TimeProvider time,
    ILogger<PrivateChannelAuthorizer> logger)
{
    /// <summary>The HttpClient name (configure it for proxies or certificates).</summary>
    public const string HttpClientName = "Comet.PrivateChannels";

    /// <summary>The header carrying <c>sha256=&lt;hex HMAC of the body&gt;</c>.</summary>
    public const string SignatureHeader = "X-Comet-Signature";

    private readonly List<PrivateChannelRule> _rules = options.Value.PrivateChannels;

    /// <summary>True when the pipe needs no backend permission, or the backend gave it.</summary>
    public async Task<bool> IsAllowedAsync(ClientSession session, string pipe)
    {
        var rule = FindRule(pipe);
        if (rule is null)
        {
            return true;
        }
        if (session.PrivateGrants.TryGetValue(pipe, out var cached))
        {
            return cached;
        }
        var answer = await AskAsync(rule, session, pipe);
        if (answer is { } allowed)
        {
            session.PrivateGrants[pipe] = allowed;
            return allowed;
        }
        return false;
    }

    /// <summary>The body the backend receives (also what the signature covers).</summary>
    public static byte[] CreateBody(int devId, long userId, string uuid, string pipe, long time)
    {
        using var buffer = new MemoryStream(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("dev_id"u8, devId);
            writer.WriteNumber("user_id"u8, userId);
            writer.WriteString("uuid"u8, uuid);
            writer.WriteString("pipe"u8, pipe);
            writer.WriteNumber("time"u8, time);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary><c>sha256=</c> and the lowercase hex HMAC-SHA256 of <paramref name="body"/> under <paramref name="key"/>.</summary>
    public static string Sign(string key, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), body));

    private PrivateChannelRule? FindRule(string pipe)
    {
        foreach (var rule in _rules)
        {
            if (pipe.StartsWith(rule.Prefix, StringComparison.Ordinal))
            {
                return rule;
            }
        }
        return null;
    }

    private async Task<bool?> AskAsync(PrivateChannelRule rule, ClientSession session, string pipe)
    {
        var body = CreateBody(session.DevId, session.UserId, session.Info.Uuid, pipe, time.GetUtcNow().ToUnixTimeSeconds());
        using var request = new HttpRequestMessage(HttpMethod.Post, rule.Url);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(SignatureHeader, Sign(keys.GetKey(session.DevId), body));
        using var timeout = new CancellationTokenSource(rule.Timeout);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            LogBackendUnavailable(pipe, rule.Url!.GetLeftPart(UriPartial.Path), exception.GetType().Name);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No answer from the private-channel backend {Url} for pipe {Pipe} ({Failure}); subscription refused")]
    private partial void LogBackendUnavailable(string pipe, string url, string failure);
}
