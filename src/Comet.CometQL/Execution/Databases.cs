using System.Globalization;
using Comet.Core.Options;

namespace Comet.CometQL.Execution;

/// <summary>The database names CometQL accepts: <c>CometQL_v1</c>, or <c>db_&lt;N&gt;</c> for dev_id N.</summary>
internal static class Databases
{
    public const string CometQLV1 = "CometQL_v1";
    private const string DevIdPrefix = "db_";

    /// <summary>Resolves a database name to the dev_id it selects (null: the login's own).</summary>
    public static bool TryResolve(string name, out int? devId)
    {
        devId = null;
        if (name == CometQLV1)
        {
            return true;
        }
        if (name.StartsWith(DevIdPrefix, StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(DevIdPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            && id < DevIds.Limit)
        {
            devId = id;
            return true;
        }
        return false;
    }
}
