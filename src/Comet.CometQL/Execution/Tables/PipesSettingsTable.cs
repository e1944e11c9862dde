using Comet.CometQL.Parsing;

namespace Comet.CometQL.Execution.Tables;

/// <summary>pipes_settings: a pipe's log length. INSERT replaces (clamped to 0..MaxPipeLogLength); DELETE also drops the log.</summary>
internal sealed class PipesSettingsTable : CometQLTable
{
    private static readonly string[] ColumnNames = ["name", "length"];

    public override string Name => "pipes_settings";
    public override IReadOnlyList<string> Columns => ColumnNames;

    public override string ColumnType(string column) => column == "length" ? "bigint(20)" : "varchar(64)";

    protected override async Task<List<string?[]>> ReadAsync(StatementContext context, IReadOnlyList<SqlValue>? keys)
    {
        var names = Values.DistinctPipeNames(keys!);
        var rows = new List<string?[]>(names.Count);
        if (names.Count == 0)
        {
            return rows;
        }
        foreach (var setting in await context.Node.Pipes.GetSettingsAsync(context.DevId, names))
        {
            rows.Add([setting.Pipe, Text(setting.LogLength)]);
        }
        return rows;
    }

    public override async Task<StatementResult> InsertAsync(StatementContext context, IReadOnlyList<SqlValue[]> rows)
    {
        var settings = new (string Pipe, int Length)[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var length = Math.Clamp(Values.Integer(rows[i][1]), 0, context.Limits.MaxPipeLogLength);
            settings[i] = (Values.PipeName(rows[i][0]), length);
        }
        foreach (var (pipe, length) in settings)
        {
            await context.Node.Pipes.SetLogLengthAsync(context.DevId, pipe, length);
        }
        return new OkResult((ulong)rows.Count, 0);
    }

    public override async Task<StatementResult> DeleteAsync(StatementContext context, WhereClause? where)
    {
        foreach (var pipe in Values.DistinctPipeNames(KeyValues(where, "name")))
        {
            await context.Node.Pipes.DeleteSettingsAsync(context.DevId, pipe);
        }
        return OkResult.Empty;
    }
}
