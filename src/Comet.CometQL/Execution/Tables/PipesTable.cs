using Comet.CometQL.Parsing;

namespace Comet.CometQL.Execution.Tables;

/// <summary>pipes (read-only): the number of subscribed connections of each requested pipe, cluster-wide.</summary>
internal sealed class PipesTable : CometQLTable
{
    private static readonly string[] ColumnNames = ["name", "users"];

    public override string Name => "pipes";
    public override IReadOnlyList<string> Columns => ColumnNames;

    public override string ColumnType(string column) => column == "users" ? "bigint(20)" : "varchar(64)";

    protected override async Task<List<string?[]>> ReadAsync(StatementContext context, IReadOnlyList<SqlValue>? keys)
    {
        var names = Values.DistinctPipeNames(keys!);
        var rows = new List<string?[]>(names.Count);
        if (names.Count == 0)
        {
            return rows;
        }
        foreach (var count in await context.Node.CountSubscribersAsync(context.DevId, names))
        {
            rows.Add([count.Pipe, Text(count.Count)]);
        }
        return rows;
    }
}
