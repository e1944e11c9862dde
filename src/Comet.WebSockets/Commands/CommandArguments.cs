using Comet.Core.Names;

namespace Comet.WebSockets.Commands;

/// <summary>Splitting and checking command arguments the way CppComet's <c>checking_channel_name</c> does.</summary>
internal static class CommandArguments
{
    /// <summary>The longest marker the JS sends is 10 characters; be generous but bounded.</summary>
    public const int MaxMarkerLength = 64;

    /// <summary>Splits off the next line of <paramref name="rest"/>.</summary>
    public static string NextLine(ref string rest)
    {
        var newline = rest.IndexOf('\n', StringComparison.Ordinal);
        if (newline < 0)
        {
            var all = rest;
            rest = "";
            return all;
        }
        var line = rest[..newline];
        rest = rest[(newline + 1)..];
        return line;
    }

    /// <summary>Checks a pipe name (or marker): null when valid, else CppComet's error text.</summary>
    public static string? CheckName(string name, int maxLength = PipeNames.MaxLength)
    {
        if (!PipeNames.HasValidCharacters(name))
        {
            return "The channel name can only contain characters A-Za-z0-9_-";
        }
        return name.Length > maxLength ? "Invalid pipe name length" : null;
    }

    /// <summary>Checks an event name: null when valid.</summary>
    public static string? CheckEvent(string name)
    {
        if (!PipeNames.HasValidCharacters(name))
        {
            return "The event name can only contain characters A-Za-z0-9_-";
        }
        return name.Length > EventNames.MaxLength ? "Invalid event name length" : null;
    }
}
