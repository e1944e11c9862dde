using System.Collections.Frozen;
using Comet.CometQL.Execution.Tables;

namespace Comet.CometQL.Execution;

/// <summary>Every table of CometQL v1 (spec §1.4, without the video ones), found by exact name.</summary>
internal static class CometQLTables
{
    public static readonly IReadOnlyList<CometQLTable> All =
    [
        new UsersAuthTable(),
        new UsersTimeTable(),
        new UsersMessagesTable(),
        new PipesMessagesTable(),
        new UsersInPipesTable(),
        new PipesTable(),
        new PipesSettingsTable(),
        new UsersDataTable(),
        new RevokedTokensTable(),
    ];

    private static readonly FrozenDictionary<string, CometQLTable> ByName =
        All.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    public static CometQLTable Get(string name) =>
        ByName.TryGetValue(name, out var table) ? table : throw new CometQLException(CometQLErrors.TableDoesNotExist);

    public static CometQLTable? Find(string name) => ByName.GetValueOrDefault(name);
}
