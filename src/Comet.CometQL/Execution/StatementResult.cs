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

/// <summary>A result set: column names, what each holds (text when not given), and rows of values as text.</summary>
internal sealed class ResultSet(string table, IReadOnlyList<string> columns, IReadOnlyList<ColumnKind>? kinds = null) : StatementResult
{
    public string Table { get; } = table;
    public IReadOnlyList<string> Columns { get; } = columns;

    /// <summary>Per column; an <see cref="ColumnKind.Integer"/> column's values are all integers' text (or NULL).</summary>
    public IReadOnlyList<ColumnKind>? Kinds { get; } = kinds;

    public ColumnKind KindOf(int column) => Kinds?[column] ?? ColumnKind.Text;
    public List<string?[]> Rows { get; } = [];

    public void Add(params string?[] row) => Rows.Add(row);
}
