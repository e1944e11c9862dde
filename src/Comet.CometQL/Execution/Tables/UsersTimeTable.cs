using Comet.CometQL.Parsing;

namespace Comet.CometQL.Execution.Tables;

/// <summary>users_time (read-only): 0 while online, the unix time last seen, or -1 when nothing is known.</summary>
internal sealed class UsersTimeTable : CometQLTable
{
    private static readonly string[] ColumnNames = ["id", "time"];

    public override string Name => "users_time";
    public override IReadOnlyList<string> Columns => ColumnNames;

    public override string ColumnType(string column) => "bigint(20)";

    protected override async Task<List<string?[]>> ReadAsync(StatementContext context, IReadOnlyList<SqlValue>? keys)
    {
        var ids = Values.UserIds(keys!, 0);
        var rows = new List<string?[]>(ids.Count);
        if (ids.Count == 0)
        {
            return rows;
        }
        foreach (var time in await context.Node.GetUserTimesAsync(context.DevId, ids))
        {
            rows.Add([Text(time.UserId), Text(time.Time)]);
        }
        return rows;
    }
}
