using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Comet.Demo;

/// <summary>Who is logged in to the demo, by an unguessable cookie value. In memory: a restart logs everyone out.</summary>
public sealed class DemoSessions
{
    public const string CookieName = "comet_demo_session";
    private const int MaxSessions = 10000;

    private readonly ConcurrentDictionary<string, long> _users = new(StringComparer.Ordinal);

    public string Start(long userId)
    {
        if (_users.Count >= MaxSessions)
        {
            _users.Clear();
        }
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _users[token] = userId;
        return token;
    }

    public long? UserOf(HttpContext context) =>
        context.Request.Cookies.TryGetValue(CookieName, out var token) && token is not null && _users.TryGetValue(token, out var user)
            ? user
            : null;

    public void End(HttpContext context)
    {
        if (context.Request.Cookies.TryGetValue(CookieName, out var token) && token is not null)
        {
            _users.TryRemove(token, out _);
        }
    }
}
