namespace Comet.CometQL.Execution;

/// <summary>
/// SQL LIKE matching (<c>%</c>, <c>_</c>, backslash escapes), case-insensitive, for SHOW … LIKE.
/// Dynamic programming, so a hostile pattern costs O(text × pattern), never exponential time.
/// </summary>
internal static class LikePattern
{
    public static bool Matches(string text, string? pattern)
    {
        if (pattern is null)
        {
            return true;
        }
        // reachable[t] = the pattern prefix read so far matches text[..t].
        var reachable = new bool[text.Length + 1];
        var next = new bool[text.Length + 1];
        reachable[0] = true;
        for (var p = 0; p < pattern.Length; p++)
        {
            var c = pattern[p];
            Array.Clear(next);
            if (c == '%')
            {
                var any = false;
                for (var t = 0; t <= text.Length; t++)
                {
                    any |= reachable[t];
                    next[t] = any;
                }
            }
            else
            {
                var wildcard = c == '_';
                if (c == '\\' && p + 1 < pattern.Length)
                {
                    c = pattern[++p];
                    wildcard = false;
                }
                for (var t = 0; t < text.Length; t++)
                {
                    next[t + 1] = reachable[t] && (wildcard || char.ToLowerInvariant(c) == char.ToLowerInvariant(text[t]));
                }
            }
            (reachable, next) = (next, reachable);
        }
        return reachable[text.Length];
    }
}
