using Comet.CometQL.Parsing;

namespace Comet.CometQL.Execution.Tables;

/// <summary>users_in_pipes (read-only): one row per connection subscribed to a pipe, anonymous ones (user_id 0) included.</summary>
internal sealed class UsersInPipesTable : CometQLTable
{
    private static readonly string[] ColumnNames = ["name", "user_id", "user_uuid", "user_agent", "ip", "origin", "language"];

    public override string Name => "users_in_pipes";
    public override IReadOnlyList<string> Columns => ColumnNames;

    public override string ColumnType(string column) => column == "user_id" ? "bigint(20)" : "varchar(255)";

    protected override async Task<List<string?[]>> ReadAsync(StatementContext context, IReadOnlyList<SqlValue>? keys)
    {
        var rows = new List<string?[]>();
        foreach (var pipe in Values.DistinctPipeNames(keys!))
        {
            if (rows.Count >= MaxResultRows)
            {
                break;
            }
            foreach (var connection in await context.Node.GetSubscribersAsync(context.DevId, pipe))
            {
                rows.Add([pipe, Text(connection.UserId), connection.Uuid, connection.UserAgent, connection.Ip, connection.Origin, connection.Language]);
            }
        }
        return rows;
    }
}
