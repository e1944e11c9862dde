namespace Comet.WebSockets.Origins;

/// <summary>
/// Decides whether a browser <c>Origin</c> may open a WebSocket. Entries are compared by scheme, host and
/// port (default ports filled in), case-insensitively; <c>scheme://*.domain</c> matches every subdomain of
/// <c>domain</c> but not <c>domain</c> itself.
/// </summary>
public sealed class OriginAllowList
{
    private readonly List<Entry> _entries = [];

    public OriginAllowList(IEnumerable<string> origins)
    {
        foreach (var origin in origins)
        {
            _entries.Add(Parse(origin) ?? throw new ArgumentException($"'{origin}' is not an origin (scheme://host[:port]).", nameof(origins)));
        }
    }

    /// <summary>True when no list is configured: every origin may connect.</summary>
    public bool AllowsAll => _entries.Count == 0;

    /// <summary>True for a valid list entry (used by the options validator).</summary>
    public static bool IsValidEntry(string origin) => Parse(origin) is not null;

    /// <summary>Whether a request with this <c>Origin</c> header value (null when absent) may connect.</summary>
    public bool Allows(string? origin)
    {
        if (AllowsAll || origin is null)
        {
            return true;
        }
        if (Parse(origin) is not { Wildcard: false } actual)
        {
            return false; // "null" (sandboxed pages, file://) and garbage never match a list
        }
        foreach (var entry in _entries)
        {
            if (entry.Port == actual.Port && string.Equals(entry.Scheme, actual.Scheme, StringComparison.OrdinalIgnoreCase)
                && (entry.Wildcard
                    ? actual.Host.EndsWith("." + entry.Host, StringComparison.OrdinalIgnoreCase)
                    : string.Equals(entry.Host, actual.Host, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }
        return false;
    }

    private static Entry? Parse(string origin)
    {
        var wildcard = false;
        var text = origin.Trim();
        var star = text.IndexOf("://*.", StringComparison.Ordinal);
        if (star > 0)
        {
            wildcard = true;
            text = text.Remove(star + 3, 2);
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.PathAndQuery != "/" || text.EndsWith('/') || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            return null;
        }
        return new Entry(uri.Scheme, uri.IdnHost, uri.Port, wildcard);
    }

    private sealed record Entry(string Scheme, string Host, int Port, bool Wildcard);
}
