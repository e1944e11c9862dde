namespace Comet.WebSockets.Protocol;

/// <summary>What the connect URL carries (spec §2.1): <c>sesion=KEY&amp;myid=UID&amp;devid=DEV&amp;v=X.Y&amp;uuid=UUID32&amp;api=js</c>.</summary>
/// <param name="Session">The users_auth hash or a JWT (may be empty).</param>
/// <param name="UserId">The claimed user id (0 when absent or invalid).</param>
/// <param name="DevId">The namespace.</param>
/// <param name="MajorVersion">The client API's major version; below 4 selects compat mode.</param>
/// <param name="MinorVersion">The client API's minor version.</param>
/// <param name="Uuid">The client's uuid (at most 32 characters, may be empty).</param>
/// <param name="Ack">The <c>ack</c> parameter: the client acknowledges personal messages and has processed
/// them up to this seq (0: none yet); null when absent.</param>
public sealed record CometUrl(string Session, long UserId, int DevId, int MajorVersion, int MinorVersion, string Uuid, long? Ack = null)
{
    /// <summary>Clients below v4 (JS 3.x) get CppComet's compat encoding.</summary>
    public bool Compat => MajorVersion < 4;
}

/// <summary>Why a connect URL was refused: CppComet's code and exact message.</summary>
public sealed record CometUrlError(int Code, string Message);
