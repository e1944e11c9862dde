using Comet.CometQL.Parsing;

namespace Comet.CometQL.Execution.Tables;

/// <summary>users_data: free text per user, readable from JavaScript with <c>user_data</c>. INSERT replaces.</summary>
internal sealed class UsersDataTable : CometQLTable
{
    private static readonly string[] ColumnNames = ["id", "data"];

    public override string Name => "users_data";
    public override IReadOnlyList<string> Columns => ColumnNames;

    public override string ColumnType(string column) => column == "id" ? "bigint(20)" : "text";

    protected override async Task<List<string?[]>> ReadAsync(StatementContext context, IReadOnlyList<SqlValue>? keys)
    {
        var ids = Values.UserIds(keys!, 0);
        var rows = new List<string?[]>(ids.Count);
        if (ids.Count == 0)
        {
            return rows;
        }
        foreach (var data in await context.Node.Users.GetDataAsync(context.DevId, ids))
        {
            rows.Add([Text(data.UserId), data.Value]);
        }
        return rows;
    }

    public override async Task<StatementResult> InsertAsync(StatementContext context, IReadOnlyList<SqlValue[]> rows)
    {
        var data = new (long Id, string Data)[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            data[i] = (Values.UserId(rows[i][0], 0), rows[i][1].Text);
        }
        foreach (var (id, text) in data)
        {
            await context.Node.Users.SetDataAsync(context.DevId, id, text);
        }
        return new OkResult((ulong)rows.Count, (ulong)data[0].Id);
    }

    public override async Task<StatementResult> DeleteAsync(StatementContext context, WhereClause? where)
    {
        foreach (var id in Values.UserIds(KeyValues(where, "id"), 0))
        {
            await context.Node.Users.DeleteDataAsync(context.DevId, id);
        }
        return OkResult.Empty;
    }
}
