using System.Globalization;

namespace Comet.Core.Options;

/// <summary>dev_id namespaces: the CometQL login name selects one (<c>root</c> and <c>0</c> are 0).</summary>
public static class DevIds
{
    /// <summary>dev_ids are below this (CppComet: <c>dev_index_size</c> 100000).</summary>
    public const int Limit = 100_000;

    /// <summary>Parses a login name or <c>devid</c> value into a dev_id.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out int devId)
    {
        if (text.SequenceEqual("root"))
        {
            devId = 0;
            return true;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out devId) && devId < Limit;
    }
}
