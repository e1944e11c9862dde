using System.Globalization;
using Comet.CometQL.Parsing;

namespace Comet.CometQL.Execution;

/// <summary>
/// One virtual table: its columns (the key first) and what SELECT, INSERT and DELETE do. The base
/// class resolves column lists, WHERE key values and LIMIT the way CppComet does; a table only maps
/// rows to engine calls. Tables are read-only unless they override the write methods.
/// </summary>
internal abstract class CometQLTable
{
    /// <summary>
    /// The most rows one SELECT answers; tables whose keys fan out (pipe logs, subscribers, queues)
    /// stop reading there. CppComet likewise cut answers that did not fit its buffer.
    /// </summary>
    public const int MaxResultRows = 10_000;

    /// <summary>The table name (compared case-sensitively, as in CppComet).</summary>
    public abstract string Name { get; }

    /// <summary>The columns in table order; the first is the key that WHERE must name.</summary>
    public abstract IReadOnlyList<string> Columns { get; }

    /// <summary>The column WHERE must name (CppComet: the first, except pipes_messages' <c>name</c>).</summary>
    public virtual string KeyColumn => Columns[0];

    /// <summary>SHOW COLUMNS' Type for each column.</summary>
    public virtual string ColumnType(string column) => "varchar(255)";

    /// <summary>A <c>bigint</c> column of SHOW COLUMNS holds integers; every other one text.</summary>
    public ColumnKind KindOf(string column) =>
        ColumnType(column).StartsWith("bigint", StringComparison.Ordinal) ? ColumnKind.Integer : ColumnKind.Text;

    /// <summary>True when SELECT may omit the WHERE (revoked_tokens lists every token).</summary>
    protected virtual bool SelectWithoutKey => false;

    /// <summary>The full rows (table order) for the requested key values, or every row when <paramref name="keys"/> is null.</summary>
    protected abstract Task<List<string?[]>> ReadAsync(StatementContext context, IReadOnlyList<SqlValue>? keys);

    /// <summary>Inserts rows given in table order (missing columns are NULL values).</summary>
    public virtual Task<StatementResult> InsertAsync(StatementContext context, IReadOnlyList<SqlValue[]> rows) =>
        throw new CometQLException(CometQLErrors.ReadOnlyTable(Name));

    /// <summary>Deletes by the WHERE clause.</summary>
    public virtual Task<StatementResult> DeleteAsync(StatementContext context, WhereClause? where) =>
        throw new CometQLException(CometQLErrors.ReadOnlyTable(Name));

    public async Task<StatementResult> SelectAsync(StatementContext context, SelectStatement select)
    {
        var positions = ResolveSelectColumns(select.Columns);
        IReadOnlyList<SqlValue>? keys = null;
        if (select.Where is not null || !SelectWithoutKey)
        {
            keys = KeyValues(select.Where, KeyColumn);
        }
        var rows = await ReadAsync(context, keys);

        var names = new string[positions.Length];
        var kinds = new ColumnKind[positions.Length];
        for (var i = 0; i < positions.Length; i++)
        {
            names[i] = Columns[positions[i]];
            kinds[i] = KindOf(names[i]);
        }
        var result = new ResultSet(Name, names, kinds);
        var offset = select.Limit?.Offset ?? 0;
        var count = select.Limit?.Count ?? int.MaxValue;
        for (var r = offset; r < rows.Count && result.Rows.Count < count; r++)
        {
            var full = rows[r];
            var row = new string?[positions.Length];
            for (var i = 0; i < positions.Length; i++)
            {
                row[i] = full[positions[i]];
            }
            result.Rows.Add(row);
        }
        return result;
    }

    /// <summary>Maps an INSERT's values to table order (spec: without a column list every column must be given).</summary>
    public List<SqlValue[]> ToTableOrder(InsertStatement insert)
    {
        var positions = new int[insert.Columns?.Count ?? Columns.Count];
        if (insert.Columns is null)
        {
            for (var i = 0; i < positions.Length; i++)
            {
                positions[i] = i;
            }
        }
        else
        {
            var used = new bool[Columns.Count];
            for (var i = 0; i < positions.Length; i++)
            {
                var index = IndexOf(insert.Columns[i]);
                if (index < 0)
                {
                    throw new CometQLException(CometQLErrors.NotASpecificColumn);
                }
                if (used[index])
                {
                    throw new CometQLException(CometQLErrors.ColumnUsedTwiceInInsert);
                }
                used[index] = true;
                positions[i] = index;
            }
        }
        var rows = new List<SqlValue[]>(insert.Rows.Count);
        foreach (var values in insert.Rows)
        {
            if (values.Count != positions.Length)
            {
                throw new CometQLException(CometQLErrors.ErrorInColumnsList);
            }
            var row = new SqlValue[Columns.Count];
            Array.Fill(row, new SqlValue("", SqlValueKind.Null));
            for (var i = 0; i < positions.Length; i++)
            {
                row[positions[i]] = values[i];
            }
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>The values the WHERE gives for <paramref name="column"/> (every operator is a value list, as in CppComet).</summary>
    protected IReadOnlyList<SqlValue> KeyValues(WhereClause? where, string column) =>
        ValuesOf(where, column) ?? throw new CometQLException(CometQLErrors.NoPrimaryKey);

    /// <summary>The values of <paramref name="column"/> in the WHERE, or null when it is not named there.</summary>
    protected IReadOnlyList<SqlValue>? ValuesOf(WhereClause? where, string column)
    {
        if (where is null)
        {
            return null;
        }
        IReadOnlyList<SqlValue>? found = null;
        var seen = new bool[Columns.Count];
        foreach (var condition in where.Conditions)
        {
            var index = IndexOf(condition.Column);
            if (index < 0)
            {
                throw new CometQLException(CometQLErrors.NotASpecificColumn);
            }
            if (seen[index])
            {
                throw new CometQLException(new CometQLError(CometQLErrors.WhereExpressions, "Each column in the conditions used only once"));
            }
            seen[index] = true;
            if (condition.Column == column)
            {
                found = condition.Values;
            }
        }
        return found;
    }

    private int[] ResolveSelectColumns(IReadOnlyList<string>? requested)
    {
        if (requested is null)
        {
            var all = new int[Columns.Count];
            for (var i = 0; i < all.Length; i++)
            {
                all[i] = i;
            }
            return all;
        }
        var positions = new int[requested.Count];
        var used = new bool[Columns.Count];
        for (var i = 0; i < requested.Count; i++)
        {
            var index = IndexOf(requested[i]);
            if (index < 0)
            {
                throw new CometQLException(CometQLErrors.NotASpecificColumn);
            }
            if (used[index])
            {
                throw new CometQLException(CometQLErrors.ColumnUsedTwiceInSelect);
            }
            used[index] = true;
            positions[i] = index;
        }
        return positions;
    }

    private int IndexOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i], column, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    protected static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
