using System.Collections.Frozen;
using System.Globalization;
using Comet.CometQL.Parsing;

namespace Comet.CometQL.Execution;

/// <summary>The SHOW family and DESCRIBE: what tools and drivers ask about the server and its tables.</summary>
internal static class ShowQueries
{
    private static readonly string[] VariableColumns = ["Variable_name", "Value"];

    private static readonly (string Collation, string Charset, int Id, bool Default, int MaxLength)[] Collations =
    [
        ("latin1_swedish_ci", "latin1", 8, true, 1),
        ("utf8_general_ci", "utf8", 33, true, 3),
        ("utf8mb4_general_ci", "utf8mb4", 45, true, 4),
        ("utf8mb4_unicode_ci", "utf8mb4", 224, false, 4),
        ("utf8mb4_0900_ai_ci", "utf8mb4", 255, false, 4),
        ("binary", "binary", 63, true, 1),
    ];

    public static ResultSet Show(ShowStatement show, SessionState session, FrozenDictionary<string, string> variables, IReadOnlyList<(string Name, string Value)> status)
    {
        switch (show.Kind)
        {
            case ShowKind.Databases:
                return Rows("SCHEMATA", ["Database"], Filter([Databases.CometQLV1], show.Like));
            case ShowKind.Tables:
            {
                var names = new List<string>(CometQLTables.All.Count);
                foreach (var table in CometQLTables.All)
                {
                    names.Add(table.Name);
                }
                return Rows("TABLES", ["Tables"], Filter(names, show.Like));
            }
            case ShowKind.Columns:
                return Columns(CometQLTables.Get(show.Table!), show.Like);
            case ShowKind.Status:
            {
                var result = new ResultSet("STATUS", VariableColumns);
                foreach (var (name, value) in status)
                {
                    if (LikePattern.Matches(name, show.Like))
                    {
                        result.Add(name, value);
                    }
                }
                return result;
            }
            case ShowKind.Variables:
            {
                var result = new ResultSet("VARIABLES", VariableColumns);
                foreach (var (name, value) in variables.OrderBy(v => v.Key, StringComparer.Ordinal))
                {
                    if (LikePattern.Matches(name, show.Like))
                    {
                        result.Add(name, value);
                    }
                }
                return result;
            }
            case ShowKind.Collation:
            {
                var result = new ResultSet("COLLATIONS", ["Collation", "Charset", "Id", "Default", "Compiled", "Sortlen"]);
                foreach (var c in Collations)
                {
                    if (LikePattern.Matches(c.Collation, show.Like))
                    {
                        result.Add(c.Collation, c.Charset, c.Id.ToString(CultureInfo.InvariantCulture), c.Default ? "Yes" : "", "Yes", "1");
                    }
                }
                return result;
            }
            case ShowKind.CharacterSet:
            {
                var result = new ResultSet("CHARACTER_SETS", ["Charset", "Description", "Default collation", "Maxlen"]);
                foreach (var c in Collations)
                {
                    if (c.Default && LikePattern.Matches(c.Charset, show.Like))
                    {
                        result.Add(c.Charset, c.Charset, c.Collation, c.MaxLength.ToString(CultureInfo.InvariantCulture));
                    }
                }
                return result;
            }
            case ShowKind.ProcessList:
            {
                var result = new ResultSet("PROCESSLIST", ["Id", "User", "Host", "db", "Command", "Time", "State", "Info"]);
                result.Add(session.ConnectionId.ToString(CultureInfo.InvariantCulture), session.User,
                    session.RemoteEndPoint?.ToString() ?? "", session.Database, "Query", "0", "", "SHOW PROCESSLIST");
                return result;
            }
            case ShowKind.TableStatus:
            {
                var result = new ResultSet("TABLES", ["Name", "Engine", "Version", "Row_format", "Rows", "Comment"]);
                foreach (var table in CometQLTables.All)
                {
                    if (LikePattern.Matches(table.Name, show.Like))
                    {
                        result.Add(table.Name, "CometQL", "1", "Dynamic", "0", "");
                    }
                }
                return result;
            }
            case ShowKind.Warnings:
                return new ResultSet("WARNINGS", ["Level", "Code", "Message"]);
            default:
                throw new CometQLException(CometQLErrors.SyntaxError);
        }
    }

    private static ResultSet Columns(CometQLTable table, string? like)
    {
        var result = new ResultSet("COLUMNS", ["Field", "Type", "Null", "Key", "Default", "Extra"]);
        for (var i = 0; i < table.Columns.Count; i++)
        {
            var column = table.Columns[i];
            if (LikePattern.Matches(column, like))
            {
                var key = column == table.KeyColumn;
                result.Add(column, table.ColumnType(column), key ? "NO" : "YES", key ? "PRI" : "", null, "");
            }
        }
        return result;
    }

    private static List<string> Filter(List<string> values, string? like)
    {
        var kept = new List<string>(values.Count);
        foreach (var value in values)
        {
            if (LikePattern.Matches(value, like))
            {
                kept.Add(value);
            }
        }
        return kept;
    }

    private static ResultSet Rows(string table, string[] columns, List<string> values)
    {
        var result = new ResultSet(table, columns);
        foreach (var value in values)
        {
            result.Add(value);
        }
        return result;
    }
}
