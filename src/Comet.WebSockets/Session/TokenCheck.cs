namespace Comet.WebSockets.Session;

/// <summary>The outcome of checking a JWT for a connection's user (<see cref="ClientAuthenticator.CheckTokenAsync"/>).</summary>
/// <param name="Expires">The token's <c>exp</c> when it is valid.</param>
/// <param name="Refusal">Why it is not (a text for the client: never the token or the key).</param>
internal readonly record struct TokenCheck(DateTimeOffset? Expires, string? Refusal)
{
    public bool IsValid => Refusal is null;

    public static TokenCheck Refused(string refusal) => new(null, refusal);
}
