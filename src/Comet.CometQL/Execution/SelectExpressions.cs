using System.Collections.Frozen;
using System.Globalization;
using Comet.CometQL.Parsing;

namespace Comet.CometQL.Execution;

/// <summary>Table-less SELECTs: <c>@@variables</c>, <c>DATABASE()</c>, <c>VERSION()</c>, literals… (one row).</summary>
internal static class SelectExpressions
{
    public static ResultSet Evaluate(SelectExpressionsStatement select, SessionState session, FrozenDictionary<string, string> variables)
    {
        var labels = new string[select.Items.Count];
        var row = new string?[select.Items.Count];
        for (var i = 0; i < select.Items.Count; i++)
        {
            var item = select.Items[i];
            labels[i] = item.Label;
            row[i] = item.Kind switch
            {
                SelectItemKind.SystemVariable => SystemVariables.Get(variables, item.Name),
                SelectItemKind.UserVariable => null,
                SelectItemKind.Literal => item.Name,
                _ => Function(item.Name, session),
            };
        }
        var result = new ResultSet("", labels);
        if (select.Limit is not { } limit || (limit.Offset == 0 && limit.Count > 0))
        {
            result.Rows.Add(row);
        }
        return result;
    }

    private static string? Function(string name, SessionState session) => name switch
    {
        // CppComet answers "" when no database was chosen.
        "database" or "schema" => session.Database ?? "",
        "version" => ServerIdentity.Version,
        "user" or "current_user" or "session_user" or "system_user" => session.User + "@%",
        "connection_id" => session.ConnectionId.ToString(CultureInfo.InvariantCulture),
        "last_insert_id" => session.LastInsertId.ToString(CultureInfo.InvariantCulture),
        "now" or "current_timestamp" or "sysdate" => DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        // The gateway reports times in UTC: MySql.Data asks TIMEDIFF(NOW(), UTC_TIMESTAMP()) on connect.
        "timediff" => "00:00:00",
        "utc_timestamp" => DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        "unix_timestamp" => DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        _ => throw new CometQLException(CometQLErrors.SyntaxError),
    };
}
