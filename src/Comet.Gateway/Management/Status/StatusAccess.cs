using System.Net.Http.Headers;
using System.Text;
using Comet.Core.Security;

namespace Comet.Gateway.Management.Status;

/// <summary>
/// Who may see the status page: HTTP Basic authentication whose password is the dev key of dev_id 0
/// (<c>Comet:Password</c>), compared in constant time; the user name is not checked. The browser asks
/// for it with its own dialog; the page carries no secret.
/// </summary>
internal sealed class StatusAccess(DevKeyProvider keys)
{
    public const string Challenge = "Basic realm=\"Comet.Gateway status\", charset=\"UTF-8\"";

    public bool IsAllowed(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return false;
        }
        string credentials;
        try
        {
            credentials = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return false;
        }
        var colon = credentials.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 && ConstantTime.Equals(credentials[(colon + 1)..], keys.GetKey(0));
    }
}
