using Comet.Core.Engine;
using Xunit;

namespace Comet.Testing.Conformance;

/// <summary>users_auth, users_data and revoked_tokens.</summary>
public abstract partial class EngineConformanceTests
{
    [Fact]
    public async Task Hashes_come_back_in_request_order_for_the_users_that_have_one()
    {
        var (engine, _, _, devId) = await StartEngineAsync();
        await engine.Users.SetHashAsync(devId, 1, "hash-one");
        await engine.Users.SetHashAsync(devId, 3, "hash-three");

        var hashes = await engine.Users.GetHashesAsync(devId, [3, 2, 1]);

        Assert.Equal([new UserValue(3, "hash-three"), new UserValue(1, "hash-one")], hashes);
    }

    [Fact]
    public async Task Setting_a_hash_replaces_the_old_one()
    {
        var (engine, _, _, devId) = await StartEngineAsync();
        await engine.Users.SetHashAsync(devId, 7, "old");
        await engine.Users.SetHashAsync(devId, 7, "new");

        Assert.Equal([new UserValue(7, "new")], await engine.Users.GetHashesAsync(devId, [7]));
    }

    [Fact]
    public async Task Setting_a_hash_if_absent_keeps_the_first_and_returns_what_is_stored()
    {
        var (engine, _, _, devId) = await StartEngineAsync();

        Assert.Equal("first", await engine.Users.SetHashIfAbsentAsync(devId, 5, "first"));
        Assert.Equal("first", await engine.Users.SetHashIfAbsentAsync(devId, 5, "second"));
        Assert.Equal([new UserValue(5, "first")], await engine.Users.GetHashesAsync(devId, [5]));
    }

    [Fact]
    public async Task A_deleted_hash_is_gone()
    {
        var (engine, _, _, devId) = await StartEngineAsync();
        await engine.Users.SetHashAsync(devId, 9, "hash");

        await engine.Users.DeleteHashAsync(devId, 9);
        await engine.Users.DeleteHashAsync(devId, 10);

        Assert.Empty(await engine.Users.GetHashesAsync(devId, [9, 10]));
    }

    [Fact]
    public async Task User_data_is_stored_replaced_read_in_request_order_and_deleted()
    {
        var (engine, _, _, devId) = await StartEngineAsync();
        await engine.Users.SetDataAsync(devId, 1, "{\"name\":\"Ann\"}");
        await engine.Users.SetDataAsync(devId, 2, "first");
        await engine.Users.SetDataAsync(devId, 2, "second");

        Assert.Equal(
            [new UserValue(2, "second"), new UserValue(1, "{\"name\":\"Ann\"}")],
            await engine.Users.GetDataAsync(devId, [2, 3, 1]));

        await engine.Users.DeleteDataAsync(devId, 2);
        Assert.Equal([new UserValue(1, "{\"name\":\"Ann\"}")], await engine.Users.GetDataAsync(devId, [1, 2]));
    }

    [Fact]
    public async Task A_revoked_token_is_revoked_until_its_expiry()
    {
        var (engine, _, clock, devId) = await StartEngineAsync();
        await engine.Users.RevokeTokenAsync(devId, "token-a", clock.GetUtcNow().AddSeconds(2));

        Assert.True(await engine.Users.IsTokenRevokedAsync(devId, "token-a"));
        Assert.False(await engine.Users.IsTokenRevokedAsync(devId, "token-b"));

        await AdvanceTimeAsync(clock, TimeSpan.FromSeconds(3));
        await EventuallyAsync(() => engine.Users.IsTokenRevokedAsync(devId, "token-a"), revoked => !revoked, "the revocation to expire");
    }

    [Fact]
    public async Task A_revocation_without_expiry_is_forgotten_after_the_default_time()
    {
        var (engine, _, clock, devId) = await StartEngineAsync(limits => limits.RevokedTokenTtl = TimeSpan.FromSeconds(2));
        await engine.Users.RevokeTokenAsync(devId, "token-a", null);

        Assert.True(await engine.Users.IsTokenRevokedAsync(devId, "token-a"));

        await AdvanceTimeAsync(clock, TimeSpan.FromSeconds(3));
        await EventuallyAsync(() => engine.Users.IsTokenRevokedAsync(devId, "token-a"), revoked => !revoked, "the revocation to expire");
        Assert.Empty(await engine.Users.GetRevokedTokensAsync(devId, null, 10));
    }

    [Fact]
    public async Task Revoked_tokens_are_listed_by_request_or_all_up_to_the_limit()
    {
        var (engine, _, _, devId) = await StartEngineAsync();
        foreach (var token in new[] { "t1", "t2", "t3" })
        {
            await engine.Users.RevokeTokenAsync(devId, token, null);
        }

        Assert.Equal(["t3", "t1"], await engine.Users.GetRevokedTokensAsync(devId, ["t3", "unknown", "t1"], 10));
        Assert.Equal(["t1", "t2", "t3"], (await engine.Users.GetRevokedTokensAsync(devId, null, 10)).Order());
        var limited = await engine.Users.GetRevokedTokensAsync(devId, null, 2);
        Assert.Equal(2, limited.Count);
        Assert.Subset(new HashSet<string> { "t1", "t2", "t3" }, limited.ToHashSet());
    }

    [Fact]
    public async Task A_deleted_revocation_is_forgotten()
    {
        var (engine, _, _, devId) = await StartEngineAsync();
        await engine.Users.RevokeTokenAsync(devId, "token-a", null);

        await engine.Users.DeleteRevokedTokenAsync(devId, "token-a");

        Assert.False(await engine.Users.IsTokenRevokedAsync(devId, "token-a"));
        Assert.Empty(await engine.Users.GetRevokedTokensAsync(devId, ["token-a"], 10));
    }
}
