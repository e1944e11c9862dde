namespace Comet.Core.Messages;

/// <summary>
/// One message as a WebSocket client sees it (spec §2.4). Transports serialise it once per node and
/// write the same bytes to every local receiver; engines carry it between nodes.
/// </summary>
/// <param name="Pipe">The pipe the client sees: a pipe name, <c>msg</c> for personal messages, <c>sys</c>…</param>
/// <param name="Event">The event name.</param>
/// <param name="Data">The payload: a raw string, or JSON text when <paramref name="DataIsJson"/> is set.</param>
/// <param name="DataIsJson">Write <paramref name="Data"/> as JSON as it is instead of as a JSON string.</param>
/// <param name="UserId">The sender's user id (<c>user_id</c>); null when the field is not sent.</param>
/// <param name="SendTime">Unix seconds (<c>message_send_time</c>); null when the field is not sent.</param>
/// <param name="FromQueue">Set for queued personal messages and pipe-log replays (<c>fromQueue:true</c>).</param>
/// <param name="ExcludeConnectionId">A connection that must not receive it (no echo to a sender).</param>
/// <param name="Seq">A personal message's place among its user's (<c>seq</c>, written only to clients that
/// acknowledge); 0 for everything else.</param>
public sealed record CometMessage(
    string Pipe,
    string Event,
    string Data,
    bool DataIsJson = false,
    long? UserId = null,
    long? SendTime = null,
    bool FromQueue = false,
    string? ExcludeConnectionId = null,
    long Seq = 0);
