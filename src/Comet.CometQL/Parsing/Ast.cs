namespace Comet.CometQL.Parsing;

/// <summary>A parsed CometQL statement.</summary>
internal abstract record Statement;

/// <summary><c>SELECT cols|* FROM table [WHERE …] [LIMIT …]</c>.</summary>
internal sealed record SelectStatement(string Table, IReadOnlyList<string>? Columns, WhereClause? Where, LimitClause? Limit) : Statement;

/// <summary><c>SELECT @@var, DATABASE(), 1 … [LIMIT n]</c>: a one-row answer without a table.</summary>
internal sealed record SelectExpressionsStatement(IReadOnlyList<SelectItem> Items, LimitClause? Limit) : Statement;

/// <summary><c>INSERT INTO table [(cols)] VALUES (…)[, (…)]</c>.</summary>
internal sealed record InsertStatement(string Table, IReadOnlyList<string>? Columns, IReadOnlyList<IReadOnlyList<SqlValue>> Rows) : Statement;

/// <summary><c>DELETE FROM table [WHERE …]</c>.</summary>
internal sealed record DeleteStatement(string Table, WhereClause? Where) : Statement;

/// <summary>The SHOW family, DESCRIBE included.</summary>
internal sealed record ShowStatement(ShowKind Kind, string? Table, string? Like, string? Flag) : Statement;

/// <summary>Any <c>SET …</c>, and transaction statements: answered OK, no effect.</summary>
internal sealed record NoEffectStatement : Statement;

/// <summary><c>USE db</c>: the same as COM_INIT_DB.</summary>
internal sealed record UseStatement(string Database) : Statement;

internal enum ShowKind
{
    Databases,
    Tables,
    Columns,
    Status,
    Variables,
    Collation,
    CharacterSet,
    ProcessList,
    TableStatus,
    Warnings,
}

/// <summary>An item of a table-less SELECT.</summary>
internal sealed record SelectItem(SelectItemKind Kind, string Name, string Label);

internal enum SelectItemKind
{
    /// <summary><c>@@name</c>: Name is without <c>@@</c> and scope, lowercase.</summary>
    SystemVariable,
    /// <summary><c>@name</c>: user variables are always NULL here.</summary>
    UserVariable,
    /// <summary><c>DATABASE()</c> and friends: Name is the function's name, lowercase.</summary>
    Function,
    /// <summary>A literal number or string.</summary>
    Literal,
}

/// <summary>WHERE conditions joined by AND (CppComet: every condition is a value list on its column).</summary>
internal sealed record WhereClause(IReadOnlyList<Condition> Conditions);

/// <summary><c>col = v</c>, <c>col IN (…)</c>, <c>col LIKE v</c>, <c>col &lt; v</c>, <c>col &gt; v</c>.</summary>
internal sealed record Condition(string Column, IReadOnlyList<SqlValue> Values);

/// <summary><c>LIMIT count</c> or <c>LIMIT offset, count</c> (MySQL order).</summary>
internal readonly record struct LimitClause(int Offset, int Count);

/// <summary>A value as written: its text (strings decoded) and whether it was a string, a number, a word or NULL.</summary>
internal readonly record struct SqlValue(string Text, SqlValueKind Kind)
{
    public bool IsNull => Kind == SqlValueKind.Null;
}

internal enum SqlValueKind
{
    String,
    Number,
    Word,
    Null,
}
