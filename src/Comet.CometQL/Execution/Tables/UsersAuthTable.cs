using Comet.CometQL.Parsing;

namespace Comet.CometQL.Execution.Tables;

/// <summary>users_auth: the hash a user's WebSocket connections authenticate with. DELETE also closes them.</summary>
internal sealed class UsersAuthTable : CometQLTable
{
    /// <summary>The longest hash (CppComet: 32).</summary>
    public const int MaxHashLength = 32;

    private static readonly string[] ColumnNames = ["id", "hash"];

    public override string Name => "users_auth";
    public override IReadOnlyList<string> Columns => ColumnNames;

    public override string ColumnType(string column) => column == "id" ? "bigint(20)" : "varchar(32)";

    protected override async Task<List<string?[]>> ReadAsync(StatementContext context, IReadOnlyList<SqlValue>? keys)
    {
        var ids = Values.UserIds(keys!, 1);
        var rows = new List<string?[]>(ids.Count);
        if (ids.Count == 0)
        {
            return rows;
        }
        foreach (var hash in await context.Node.Users.GetHashesAsync(context.DevId, ids))
        {
            rows.Add([Text(hash.UserId), hash.Value]);
        }
        return rows;
    }

    public override async Task<StatementResult> InsertAsync(StatementContext context, IReadOnlyList<SqlValue[]> rows)
    {
        var hashes = new (long Id, string Hash)[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var id = Values.UserId(rows[i][0], 1);
            var hash = rows[i][1].Text;
            // CppComet checks the characters first, then the length.
            if (!IsHashText(hash))
            {
                throw new CometQLException(CometQLErrors.HashInvalid);
            }
            if (hash.Length > MaxHashLength)
            {
                throw new CometQLException(CometQLErrors.HashTooLong);
            }
            hashes[i] = (id, hash);
        }
        foreach (var (id, hash) in hashes)
        {
            await context.Node.Users.SetHashAsync(context.DevId, id, hash);
        }
        return new OkResult((ulong)rows.Count, (ulong)hashes[0].Id);
    }

    public override async Task<StatementResult> DeleteAsync(StatementContext context, WhereClause? where)
    {
        foreach (var id in Values.UserIds(KeyValues(where, "id"), 1))
        {
            await context.Node.Users.DeleteHashAsync(context.DevId, id);
            await context.Node.CloseUserAsync(context.DevId, id, null);
        }
        return OkResult.Empty;
    }

    /// <summary><c>[0-9A-Za-z=+/_]</c>, the characters of a hash.</summary>
    public static bool IsHashText(string hash)
    {
        foreach (var c in hash)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '=' or '+' or '/' or '_'))
            {
                return false;
            }
        }
        return true;
    }
}
