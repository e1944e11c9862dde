using Comet.Core.Security;
using Comet.CometQL.Parsing;

namespace Comet.CometQL.Execution.Tables;

/// <summary>
/// revoked_tokens: INSERT revokes a token; when it is a valid JWT, the user's hash is deleted and the
/// connections that used it are closed. SELECT by token or without WHERE (every token).
/// </summary>
internal sealed class RevokedTokensTable : CometQLTable
{
    /// <summary>How many tokens a SELECT without WHERE lists at most.</summary>
    public const int MaxListedTokens = 1000;

    private static readonly string[] ColumnNames = ["token"];

    public override string Name => "revoked_tokens";
    public override IReadOnlyList<string> Columns => ColumnNames;

    public override string ColumnType(string column) => "varchar(600)";

    protected override bool SelectWithoutKey => true;

    protected override async Task<List<string?[]>> ReadAsync(StatementContext context, IReadOnlyList<SqlValue>? keys)
    {
        List<string>? tokens = null;
        if (keys is not null)
        {
            tokens = Values.Texts(keys, CometJwtValidator.MaxTokenLength);
            if (tokens.Count == 0)
            {
                return [];
            }
        }
        var revoked = await context.Node.Users.GetRevokedTokensAsync(context.DevId, tokens, MaxListedTokens);
        var rows = new List<string?[]>(revoked.Count);
        foreach (var token in revoked)
        {
            rows.Add([token]);
        }
        return rows;
    }

    public override async Task<StatementResult> InsertAsync(StatementContext context, IReadOnlyList<SqlValue[]> rows)
    {
        foreach (var row in rows)
        {
            var token = row[0].Text;
            if (token.Length == 0)
            {
                throw new CometQLException(CometQLErrors.QueryTooShort);
            }
            if (token.Length > CometJwtValidator.MaxTokenLength)
            {
                throw new CometQLException(CometQLErrors.ValueTooLong);
            }
        }
        foreach (var row in rows)
        {
            var token = row[0].Text;
            var jwt = await context.Jwt.ValidateAsync(context.DevId, token);
            await context.Node.Users.RevokeTokenAsync(context.DevId, token, jwt.IsValid ? jwt.Expires : null);
            if (jwt.IsValid)
            {
                await context.Node.Users.DeleteHashAsync(context.DevId, jwt.UserId);
                await context.Node.CloseUserAsync(context.DevId, jwt.UserId, token);
            }
        }
        return new OkResult(1, 1);
    }

    public override async Task<StatementResult> DeleteAsync(StatementContext context, WhereClause? where)
    {
        foreach (var token in Values.Texts(KeyValues(where, "token"), CometJwtValidator.MaxTokenLength))
        {
            await context.Node.Users.DeleteRevokedTokenAsync(context.DevId, token);
        }
        return OkResult.Empty;
    }
}
