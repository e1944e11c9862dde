using Microsoft.Extensions.Options;

namespace Comet.WebSockets.Origins;

/// <summary>Stops the gateway at start when an allow-list entry is not an origin.</summary>
internal sealed class WebSocketOriginOptionsValidator : IValidateOptions<WebSocketOriginOptions>
{
    public ValidateOptionsResult Validate(string? name, WebSocketOriginOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.AllowedOrigins.Count; i++)
        {
            if (!OriginAllowList.IsValidEntry(options.AllowedOrigins[i]))
            {
                failures.Add($"{CometWebSocketOptions.SectionName}:AllowedOrigins:{i} '{options.AllowedOrigins[i]}' must be an origin: " +
                    "http(s)://host[:port] or http(s)://*.domain, with no path.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
