namespace Comet.CometQL.Execution;

/// <summary>What one statement answers: an OK packet or a result set.</summary>
internal abstract class StatementResult;

/// <summary>OK with affected rows and the last insert id (spec §1.4's OK(a,i)).</summary>
internal sealed class OkResult(ulong affectedRows, ulong lastInsertId) : StatementResult
{
    public static readonly OkResult Empty = new(0, 0);

    public ulong AffectedRows { get; } = affectedRows;
    public ulong LastInsertId { get; } = lastInsertId;
}

/// <summary>A result set: column names (all VAR_STRING) and rows of text values.</summary>
internal sealed class ResultSet(string table, IReadOnlyList<string> columns) : StatementResult
{
    public string Table { get; } = table;
    public IReadOnlyList<string> Columns { get; } = columns;
    public List<string?[]> Rows { get; } = [];

    public void Add(params string?[] row) => Rows.Add(row);
}
