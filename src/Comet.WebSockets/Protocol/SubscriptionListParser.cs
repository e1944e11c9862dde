using Comet.Core.Names;

namespace Comet.WebSockets.Protocol;

/// <summary>The pipes of a <c>subscription</c> command, and what was wrong with the list.</summary>
/// <param name="Pipes">The pipes in order, without duplicates (at most the limit).</param>
/// <param name="TooMany">More pipes than the limit were listed; the rest were ignored.</param>
/// <param name="NameTooLong">A name was longer than <see cref="PipeNames.MaxLength"/>; the command is refused.</param>
public sealed record SubscriptionList(IReadOnlyList<string> Pipes, bool TooMany, bool NameTooLong);

/// <summary>
/// Parses <c>subscription</c> arguments as CppComet's <c>ws_subscription</c> does (spec §2.3): names are
/// split on any character outside <c>[A-Za-z0-9_-]</c>, and a name shorter than 2 characters ends the list.
/// </summary>
public static class SubscriptionListParser
{
    public static SubscriptionList Parse(ReadOnlySpan<char> text, int maxPipes)
    {
        var pipes = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        while (i <= text.Length)
        {
            var start = i;
            while (i < text.Length && PipeNames.IsNameChar(text[i]))
            {
                i++;
            }
            var length = i - start;
            if (length < 2)
            {
                break;
            }
            if (length > PipeNames.MaxLength)
            {
                return new SubscriptionList(pipes, false, true);
            }
            var name = text.Slice(start, length).ToString();
            if (seen.Add(name))
            {
                if (pipes.Count == maxPipes)
                {
                    return new SubscriptionList(pipes, true, false);
                }
                pipes.Add(name);
            }
            i++;
        }
        return new SubscriptionList(pipes, false, false);
    }
}
