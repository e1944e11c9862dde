using System.Globalization;

namespace Comet.Core.Names;

/// <summary>
/// Pipe (channel) names and their special prefixes (spec §2.4). Names use <c>[A-Za-z0-9_-]</c>;
/// the prefix decides who may subscribe, who may send and whether messages are logged.
/// </summary>
public static class PipeNames
{
    /// <summary>The longest pipe name, in characters (spec: names ≤64).</summary>
    public const int MaxLength = 64;

    /// <summary>The shortest name CometQL accepts for pipes_messages and pipes.</summary>
    public const int MinCometQLLength = 3;

    /// <summary>The pipe personal messages arrive on; clients need not subscribe to it.</summary>
    public const string Personal = "msg";

    /// <summary>The pipe of server information and errors.</summary>
    public const string System = "sys";

    public const string WebPrefix = "web_";
    public const string WebAuthPrefix = "webauth_";
    public const string AnonymousWebPrefix = "@web_";
    public const string TrackPrefix = "track_";
    public const string PrivatePrefix = "private_";
    public const string TrustPrefix = "trust_";
    public const string UserStatusPrefix = "user_status_";
    public const string AnswerPrefix = "_answer";

    /// <summary>True when every character is in <c>[A-Za-z0-9_-]</c>.</summary>
    public static bool HasValidCharacters(ReadOnlySpan<char> name)
    {
        foreach (var c in name)
        {
            if (!IsNameChar(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>True for <c>[A-Za-z0-9_-]</c>.</summary>
    public static bool IsNameChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-';

    /// <summary>Messages on <c>trust_</c> pipes are always logged, for a bounded time.</summary>
    public static bool IsAlwaysLogged(string pipe) => pipe.StartsWith(TrustPrefix, StringComparison.Ordinal);

    /// <summary><c>track_</c> pipes announce subscriptions and unsubscriptions to their members.</summary>
    public static bool IsTracked(string pipe) => pipe.StartsWith(TrackPrefix, StringComparison.Ordinal);

    /// <summary>The pipe that carries a user's online/offline events.</summary>
    public static string UserStatus(long userId) =>
        string.Create(CultureInfo.InvariantCulture, $"{UserStatusPrefix}{userId}");
}
