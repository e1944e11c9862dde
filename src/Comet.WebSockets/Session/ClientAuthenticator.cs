using System.Security.Cryptography;
using Comet.Core.Security;
using Comet.Node;
using Comet.WebSockets.Protocol;

namespace Comet.WebSockets.Session;

/// <summary>The outcome of authenticating a connect URL.</summary>
/// <param name="UserId">The authorised user, or 0 (anonymous).</param>
/// <param name="Hash">The user's stored hash, sent back in serverInfo ("" when anonymous).</param>
/// <param name="Credential">The hash or JWT that authorised the connection (null when anonymous).</param>
/// <param name="Expires">When the JWT that authorised the connection expires (null for a hash or anonymous).</param>
internal readonly record struct AuthResult(long UserId, string Hash, string? Credential, DateTimeOffset? Expires = null)
{
    public static AuthResult Anonymous => new(0, "", null);

    public bool IsAuthorized => UserId > 0;
}

/// <summary>
/// Decides who a connection is (spec §2.1): the users_auth hash of <c>myid</c>, or a valid, unrevoked
/// HS256 JWT whose <c>user_id</c> is <c>myid</c>. Anything else connects anonymously (user 0).
/// </summary>
internal sealed class ClientAuthenticator(CometNode node, CometJwtValidator jwt)
{
    private const string HashAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public async Task<AuthResult> AuthenticateAsync(CometUrl url)
    {
        if (url.UserId <= 0 || url.Session.Length == 0)
        {
            return AuthResult.Anonymous;
        }
        if (CometJwtValidator.LooksLikeJwt(url.Session))
        {
            return await AuthenticateJwtAsync(url);
        }
        var hashes = await node.Users.GetHashesAsync(url.DevId, [url.UserId]);
        foreach (var stored in hashes)
        {
            if (stored.UserId == url.UserId && ConstantTime.Equals(stored.Value, url.Session))
            {
                return new AuthResult(url.UserId, stored.Value, url.Session);
            }
        }
        return AuthResult.Anonymous;
    }

    /// <summary>
    /// Checks a JWT for a user the way a connect does: a valid HS256 token of <paramref name="devId"/>
    /// (its key and dev_id), not expired, whose <c>user_id</c> is <paramref name="userId"/>, and not
    /// revoked. Used at connect and when a connection refreshes its token.
    /// </summary>
    public async Task<TokenCheck> CheckTokenAsync(int devId, long userId, string token)
    {
        var result = await jwt.ValidateAsync(devId, token);
        if (!result.IsValid)
        {
            return TokenCheck.Refused(result.Error ?? "The token is invalid.");
        }
        if (result.UserId != userId)
        {
            return TokenCheck.Refused("The token is for another user.");
        }
        if (await node.Users.IsTokenRevokedAsync(devId, token))
        {
            return TokenCheck.Refused("The token was revoked.");
        }
        return new TokenCheck(result.Expires, null);
    }

    private async Task<AuthResult> AuthenticateJwtAsync(CometUrl url)
    {
        var check = await CheckTokenAsync(url.DevId, url.UserId, url.Session);
        if (!check.IsValid)
        {
            return AuthResult.Anonymous;
        }
        // CppComet stores a random hash for a JWT user that has none, and tells the client.
        var hash = await node.Users.SetHashIfAbsentAsync(url.DevId, url.UserId, RandomHash());
        return new AuthResult(url.UserId, hash, url.Session, check.Expires);
    }

    private static string RandomHash() => RandomNumberGenerator.GetString(HashAlphabet, 32);
}
