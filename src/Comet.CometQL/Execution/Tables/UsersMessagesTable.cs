using Comet.CometQL.Parsing;
using Comet.Core.Names;

namespace Comet.CometQL.Execution.Tables;

/// <summary>users_messages: INSERT sends a personal message (live or queued); SELECT lists the queue; DELETE empties it.</summary>
internal sealed class UsersMessagesTable : CometQLTable
{
    private const int IdColumn = 0;
    private const int EventColumn = 2;
    private const int MessageColumn = 3;

    private static readonly string[] ColumnNames = ["id", "index", "event", "message"];

    public override string Name => "users_messages";
    public override IReadOnlyList<string> Columns => ColumnNames;

    public override string ColumnType(string column) => column switch
    {
        "id" => "bigint(20)",
        "message" => "text",
        _ => "varchar(64)",
    };

    protected override async Task<List<string?[]>> ReadAsync(StatementContext context, IReadOnlyList<SqlValue>? keys)
    {
        var rows = new List<string?[]>();
        foreach (var id in Values.UserIds(keys!, 0))
        {
            if (rows.Count >= MaxResultRows)
            {
                break;
            }
            var idText = Text(id);
            foreach (var queued in await context.Node.GetQueueAsync(context.DevId, id))
            {
                rows.Add([idText, queued.Id, queued.Event, queued.Message]);
            }
        }
        return rows;
    }

    public override async Task<StatementResult> InsertAsync(StatementContext context, IReadOnlyList<SqlValue[]> rows)
    {
        var messages = new (long Id, string Event, string Message)[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var @event = row[EventColumn].Text;
            if (@event.Length > EventNames.MaxLength)
            {
                throw new CometQLException(CometQLErrors.EventNameTooLong);
            }
            messages[i] = (Values.UserId(row[IdColumn], 0), @event, row[MessageColumn].Text);
        }
        // The engine counts every personal message (CometMetrics.PersonalMessageSent).
        foreach (var (id, @event, message) in messages)
        {
            await context.Node.SendToUserAsync(context.DevId, id, @event, message);
        }
        // CppComet answers OK(0, id): affected rows 0, the user id as the insert id.
        return new OkResult(0, (ulong)messages[0].Id);
    }

    public override async Task<StatementResult> DeleteAsync(StatementContext context, WhereClause? where)
    {
        foreach (var id in Values.UserIds(KeyValues(where, "id"), 0))
        {
            await context.Node.ClearQueueAsync(context.DevId, id);
        }
        return OkResult.Empty;
    }
}
