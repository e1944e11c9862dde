namespace Comet.Hardening.Tests;

/// <summary>What a backend reads through CometQL to see the server's state.</summary>
internal static class BackendQueries
{
    /// <summary>The cluster-wide subscriber count of a pipe (the <c>pipes</c> table), as text.</summary>
    public static async Task<string> SubscribersAsync(this CometQLBackend backend, string pipe)
    {
        var rows = await backend.RowsAsync($"SELECT users FROM pipes WHERE name = '{pipe}'");
        return rows.Count == 0 ? "0" : rows[0][0]!;
    }

    /// <summary>users_time of a user: "0" online, a unix time when last seen, "-1" never seen.</summary>
    public static async Task<string> UserTimeAsync(this CometQLBackend backend, long userId) =>
        (await backend.RowsAsync($"SELECT time FROM users_time WHERE id = {userId}"))[0][0]!;
}
