namespace Comet.Core.Engine;

/// <summary>
/// What the cluster knows about one WebSocket connection (the columns of users_in_pipes and what
/// closing a user's connections needs).
/// </summary>
/// <param name="DevId">The namespace (the URL's <c>devid</c>).</param>
/// <param name="ConnectionId">Unique in the cluster: the node's identity (name and incarnation) and a node-local number.</param>
/// <param name="UserId">The authorised user, or 0 for an anonymous connection.</param>
/// <param name="Uuid">The client's <c>uuid</c> from the URL (may be empty).</param>
/// <param name="UserAgent">The User-Agent header (may be empty).</param>
/// <param name="Ip">The remote address (behind a proxy: the forwarded client address).</param>
/// <param name="Origin">The Origin header (may be empty).</param>
/// <param name="Language">The Accept-Language header (may be empty).</param>
/// <param name="Credential">The hash or JWT the connection authenticated with when it opened (null if
/// anonymous); never shown in users_in_pipes. A token refresh replaces the credential the node compares
/// revocations with (<c>NodeClient.Credential</c>), not this one.</param>
/// <param name="ResumeAfter">Set when the client acknowledges personal messages (the URL's <c>ack</c>): the
/// highest seq it has processed (0: none yet). Null for clients that do not, such as CppComet's.</param>
public sealed record ClientRecord(
    int DevId,
    string ConnectionId,
    long UserId,
    string Uuid,
    string UserAgent,
    string Ip,
    string Origin,
    string Language,
    string? Credential = null,
    long? ResumeAfter = null);
