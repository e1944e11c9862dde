namespace Comet.Core.Engine;

/// <summary>Per-user records: users_auth hashes, users_data, revoked_tokens.</summary>
public interface IUserStore
{
    /// <summary>The stored hashes of those of <paramref name="userIds"/> that have one, in request order.</summary>
    Task<IReadOnlyList<UserValue>> GetHashesAsync(int devId, IReadOnlyCollection<long> userIds);

    /// <summary>Stores (replaces) a user's hash.</summary>
    Task SetHashAsync(int devId, long userId, string hash);

    /// <summary>Stores a hash only when the user has none; returns the hash now stored.</summary>
    Task<string> SetHashIfAbsentAsync(int devId, long userId, string hash);

    /// <summary>Removes a user's hash. Closing the user's connections is <see cref="IMessageBus.CloseUserAsync"/>.</summary>
    Task DeleteHashAsync(int devId, long userId);

    /// <summary>The users_data of those of <paramref name="userIds"/> that have some, in request order.</summary>
    Task<IReadOnlyList<UserValue>> GetDataAsync(int devId, IReadOnlyCollection<long> userIds);

    /// <summary>Stores (replaces) a user's data.</summary>
    Task SetDataAsync(int devId, long userId, string data);

    /// <summary>Removes a user's data.</summary>
    Task DeleteDataAsync(int devId, long userId);

    /// <summary>Revokes a token until <paramref name="expiresAt"/> (null: a default bounded time).</summary>
    Task RevokeTokenAsync(int devId, string token, DateTimeOffset? expiresAt);

    /// <summary>True when the token is revoked.</summary>
    Task<bool> IsTokenRevokedAsync(int devId, string token);

    /// <summary>The revoked ones of <paramref name="tokens"/>, or, when it is null, all revoked tokens
    /// of the namespace (at most <paramref name="limit"/>).</summary>
    Task<IReadOnlyList<string>> GetRevokedTokensAsync(int devId, IReadOnlyCollection<string>? tokens, int limit);

    /// <summary>Forgets a revocation.</summary>
    Task DeleteRevokedTokenAsync(int devId, string token);
}

/// <summary>A user id with a stored string (a hash or users_data).</summary>
public readonly record struct UserValue(long UserId, string Value);
