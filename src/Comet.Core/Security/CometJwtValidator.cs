using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Comet.Core.Security;

/// <summary>
/// Validates CppComet JWTs (spec §2.1): HS256 only, secret = the dev key followed by the decimal dev_id
/// (e.g. <c>CometQLPassword1</c>), a numeric <c>user_id</c> claim, and an <c>exp</c> claim that has not passed.
/// </summary>
/// <remarks>
/// Microsoft.IdentityModel parses the token and checks its lifetime, but refuses HMAC keys shorter than
/// 256 bits, and CppComet secrets are usually shorter. The HS256 signature is therefore verified here, with
/// a fixed-time comparison, through <see cref="TokenValidationParameters.SignatureValidator"/>.
/// </remarks>
public sealed class CometJwtValidator(DevKeyProvider keys, TimeProvider time)
{
    /// <summary>Tokens longer than this are refused unread (CppComet: sessions ≤600 characters).</summary>
    public const int MaxTokenLength = 600;

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>True when the text has the shape of a JWS (three dot-separated parts).</summary>
    public static bool LooksLikeJwt(string text) =>
        text.Length is > 0 and <= MaxTokenLength && text.AsSpan().Count('.') == 2;

    /// <summary>Validates <paramref name="token"/> for <paramref name="devId"/>.</summary>
    public async Task<JwtValidationResult> ValidateAsync(int devId, string token)
    {
        if (!LooksLikeJwt(token))
        {
            return JwtValidationResult.Invalid("The token is not a JWT.");
        }

        var secret = Encoding.UTF8.GetBytes(keys.GetKey(devId) + devId.ToString(CultureInfo.InvariantCulture));
        var parameters = new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateIssuerSigningKey = false,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.Zero,
            LifetimeValidator = (notBefore, expires, _, _) => IsWithinLifetime(notBefore, expires),
            SignatureValidator = (raw, _) => VerifyHs256(raw, secret),
        };

        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            return JwtValidationResult.Invalid(Describe(result.Exception));
        }
        var jwt = (JsonWebToken)result.SecurityToken;
        if (!TryGetUserId(jwt, out var userId))
        {
            return JwtValidationResult.Invalid("The token has no numeric user_id claim.");
        }
        return new JwtValidationResult(true, userId, jwt.ValidTo == DateTime.MinValue ? null : new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero), null);
    }

    private bool IsWithinLifetime(DateTime? notBefore, DateTime? expires)
    {
        // A custom lifetime check replaces the library's, RequireExpirationTime included: say "no exp"
        // here, or a token without one would be refused as "expired".
        if (expires is not { } exp)
        {
            throw new SecurityTokenNoExpirationException("The token has no exp claim.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        return exp > now && (notBefore is not { } nbf || nbf <= now);
    }

    private static JsonWebToken VerifyHs256(string raw, byte[] secret)
    {
        var jwt = new JsonWebToken(raw);
        if (!string.Equals(jwt.Alg, SecurityAlgorithms.HmacSha256, StringComparison.Ordinal))
        {
            throw new SecurityTokenInvalidAlgorithmException("Only HS256 tokens are accepted.");
        }
        var signed = raw.AsSpan(0, raw.LastIndexOf('.'));
        var expected = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signed.ToString()));
        byte[] actual;
        try
        {
            actual = Base64UrlEncoder.DecodeBytes(jwt.EncodedSignature);
        }
        catch (FormatException)
        {
            throw new SecurityTokenInvalidSignatureException("The signature is not base64url.");
        }
        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            throw new SecurityTokenInvalidSignatureException("The signature does not match.");
        }
        return jwt;
    }

    private static bool TryGetUserId(JsonWebToken jwt, out long userId)
    {
        userId = 0;
        if (!jwt.TryGetPayloadValue<object>("user_id", out var value))
        {
            return false;
        }
        return value switch
        {
            long l => (userId = l) > 0,
            int i => (userId = i) > 0,
            double d when d == Math.Floor(d) && d is > 0 and < long.MaxValue => (userId = (long)d) > 0,
            string s => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out userId) && userId > 0,
            _ => false,
        };
    }

    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenInvalidAlgorithmException => "Only HS256 tokens are accepted.",
        SecurityTokenInvalidSignatureException => "The token signature is invalid.",
        SecurityTokenNoExpirationException => "The token has no exp claim.",
        SecurityTokenExpiredException or SecurityTokenInvalidLifetimeException => "The token has expired.",
        SecurityTokenMalformedException or ArgumentException => "The token is malformed.",
        _ => "The token is invalid.",
    };
}
