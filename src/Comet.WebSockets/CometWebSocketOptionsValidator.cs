using Comet.Core.Names;
using Microsoft.Extensions.Options;

namespace Comet.WebSockets;

/// <summary>Checks what data annotations cannot: the private-channel rules (nested items, URL schemes).</summary>
internal sealed class CometWebSocketOptionsValidator : IValidateOptions<CometWebSocketOptions>
{
    public ValidateOptionsResult Validate(string? name, CometWebSocketOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.PrivateChannels.Count; i++)
        {
            var rule = options.PrivateChannels[i];
            var path = $"{CometWebSocketOptions.SectionName}:PrivateChannels:{i}";
            if (string.IsNullOrEmpty(rule.Prefix) || rule.Prefix.Length > PipeNames.MaxLength || !PipeNames.HasValidCharacters(rule.Prefix))
            {
                failures.Add($"{path}:Prefix must be 1..64 characters of A-Za-z0-9_-.");
            }
            if (rule.Url is null || !rule.Url.IsAbsoluteUri || (rule.Url.Scheme != Uri.UriSchemeHttp && rule.Url.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"{path}:Url must be an absolute http or https URL.");
            }
            if (rule.Timeout < TimeSpan.FromMilliseconds(100) || rule.Timeout > TimeSpan.FromMinutes(1))
            {
                failures.Add($"{path}:Timeout must be between 00:00:00.1 and 00:01:00.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
