using Comet.Core.Messages;
using Comet.CometQL.Parsing;

namespace Comet.CometQL.Execution.Tables;

/// <summary>pipes_messages: INSERT publishes to a pipe; SELECT reads its log; DELETE clears it (by name) or one entry (by id).</summary>
internal sealed class PipesMessagesTable : CometQLTable
{
    /// <summary>CppComet returns at most 99 logged rows per pipe.</summary>
    public const int MaxLogRows = 99;

    private const int NameColumn = 2;
    private const int EventColumn = 4;
    private const int MessageColumn = 5;

    private static readonly string[] ColumnNames = ["id", "time", "name", "index", "event", "message", "user_id"];

    public override string Name => "pipes_messages";
    public override IReadOnlyList<string> Columns => ColumnNames;
    public override string KeyColumn => "name";

    public override string ColumnType(string column) => column switch
    {
        "message" => "text",
        "time" or "index" or "user_id" => "bigint(20)",
        _ => "varchar(64)",
    };

    private static async Task<List<string?[]>> ReadKeyedAsync(StatementContext context, IReadOnlyList<SqlValue> keys)
    {
        var rows = new List<string?[]>();
        foreach (var pipe in Values.DistinctPipeNames(keys))
        {
            if (rows.Count >= MaxResultRows)
            {
                break;
            }
            var log = await context.Node.Pipes.GetLogAsync(context.DevId, pipe, MaxLogRows);
            for (var i = 0; i < log.Count; i++)
            {
                var entry = log[i];
                rows.Add([entry.Id, Text(entry.Time), entry.Pipe, Text(i), entry.Event, entry.Message, Text(entry.UserId)]);
            }
        }
        return rows;
    }

    protected override Task<List<string?[]>> ReadAsync(StatementContext context, IReadOnlyList<SqlValue>? keys) =>
        ReadKeyedAsync(context, keys!);

    public override async Task<StatementResult> InsertAsync(StatementContext context, IReadOnlyList<SqlValue[]> rows)
    {
        // Validate every row before publishing any, so a bad row publishes nothing.
        var messages = new CometMessage[rows.Count];
        var now = context.Now;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            messages[i] = new CometMessage(Values.PipeName(row[NameColumn]), Values.EventName(row[EventColumn]), row[MessageColumn].Text, SendTime: now);
        }
        // The engine counts every publish (CometMetrics.PipeMessagePublished), whichever transport asked.
        foreach (var message in messages)
        {
            await context.Node.PublishAsync(context.DevId, message);
        }
        return OkResult.Empty;
    }

    public override async Task<StatementResult> DeleteAsync(StatementContext context, WhereClause? where)
    {
        var names = ValuesOf(where, "name");
        var ids = ValuesOf(where, "id");
        if (names is null && ids is null)
        {
            throw new CometQLException(CometQLErrors.NoPrimaryKey);
        }
        if (names is not null)
        {
            foreach (var pipe in Values.DistinctPipeNames(names))
            {
                await context.Node.Pipes.ClearLogAsync(context.DevId, pipe);
            }
        }
        if (ids is not null)
        {
            var entryIds = Values.Texts(ids, 128);
            if (entryIds.Count > 0)
            {
                await context.Node.Pipes.DeleteLogEntriesAsync(context.DevId, entryIds);
            }
        }
        return OkResult.Empty;
    }
}
