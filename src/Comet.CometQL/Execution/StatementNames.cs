using System.Collections.Frozen;
using Comet.CometQL.Parsing;

namespace Comet.CometQL.Execution;

/// <summary>
/// The table and operation a statement is counted and traced under. Only fixed strings: an unknown
/// table is "unknown", so user input never becomes a metric tag. Span names are built once.
/// </summary>
internal readonly record struct StatementNames(string SpanName, string Table, string Operation, bool UsesEngine)
{
    private const string NoTable = "";
    private const string Unknown = "unknown";
    private static readonly string[] TableOperations = ["select", "insert", "delete"];

    private static readonly FrozenDictionary<(string Table, string Operation), StatementNames> ForTables =
        CometQLTables.All.Select(t => t.Name).Append(Unknown)
            .SelectMany(table => TableOperations.Select(op => new StatementNames($"cometql {op} {table}", table, op, true)))
            .ToFrozenDictionary(n => (n.Table, n.Operation));

    private static readonly StatementNames Expressions = new("cometql select", NoTable, "select", false);
    private static readonly StatementNames Show = new("cometql show", NoTable, "show", false);
    private static readonly StatementNames Use = new("cometql use", NoTable, "use", false);
    private static readonly StatementNames Other = new("cometql other", NoTable, "other", false);

    public static StatementNames Of(Statement statement) => statement switch
    {
        SelectStatement select => ForTable(select.Table, "select"),
        InsertStatement insert => ForTable(insert.Table, "insert"),
        DeleteStatement delete => ForTable(delete.Table, "delete"),
        SelectExpressionsStatement => Expressions,
        ShowStatement => Show,
        UseStatement => Use,
        _ => Other,
    };

    private static StatementNames ForTable(string table, string operation) =>
        ForTables[(CometQLTables.Find(table)?.Name ?? Unknown, operation)];
}
