namespace Comet.Core.Security;

/// <summary>The outcome of validating a CppComet JWT. Revocation is checked separately (it needs the engine).</summary>
/// <param name="IsValid">Signature, algorithm, expiry and user id all check out.</param>
/// <param name="UserId">The numeric <c>user_id</c> claim (0 when invalid).</param>
/// <param name="Expires">The <c>exp</c> claim.</param>
/// <param name="Error">Why it is invalid (for logs and sys errors; never contains the token or key).</param>
public readonly record struct JwtValidationResult(bool IsValid, long UserId, DateTimeOffset? Expires, string? Error)
{
    public static JwtValidationResult Invalid(string error) => new(false, 0, null, error);
}
