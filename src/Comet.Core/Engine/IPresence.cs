namespace Comet.Core.Engine;

/// <summary>
/// Who is connected and subscribed where, cluster-wide and exact, plus users_time. The engine also
/// emits the events that presence changes cause: <c>online</c>/<c>offline</c> on
/// <c>user_status_&lt;id&gt;</c> and <c>subscription</c>/<c>unsubscription</c> on <c>track_</c> pipes.
/// </summary>
public interface IPresence
{
    /// <summary>
    /// Registers a connection. For an authorised user (<see cref="ClientRecord.UserId"/> &gt; 0) it
    /// enforces the per-user connection limit, and atomically with the registration takes the user's
    /// whole offline queue (oldest first) for this connection to send before any live message. The
    /// user's first connection sets users_time to 0 and publishes <c>online</c>. A client that acknowledges
    /// (<see cref="ClientRecord.ResumeAfter"/>) also gets, in the same step, the delivered messages after
    /// its seq that the resend window holds, and from then on the window keeps what it has not acknowledged.
    /// </summary>
    Task<ConnectResult> ConnectAsync(ClientRecord connection);

    /// <summary>
    /// Removes a connection and its subscriptions to <paramref name="pipes"/> (emitting <c>track_</c>
    /// unsubscriptions for those it had). The user's last connection sets users_time to now and publishes
    /// <c>offline</c>. Idempotent: the node repeats it until it succeeds.
    /// </summary>
    Task DisconnectAsync(ClientRecord connection, IReadOnlyCollection<string> pipes);

    /// <summary>Adds and removes pipes of a connection's subscriptions, emitting <c>track_</c> events for
    /// what really changed (a joiner's <c>subscription</c> goes to the other members, not to the joiner).
    /// Idempotent: the node repeats a change until it succeeds, and never changes a connection's
    /// subscriptions after disconnecting it.</summary>
    Task UpdateSubscriptionsAsync(ClientRecord connection, IReadOnlyCollection<string> added, IReadOnlyCollection<string> removed);

    /// <summary>
    /// Records that a client that acknowledges has processed every personal message of its user up to
    /// <paramref name="seq"/>: the resend window may drop them once no other acknowledging connection
    /// needs them. False when <paramref name="seq"/> is beyond the user's latest message.
    /// </summary>
    Task<bool> AcknowledgeAsync(ClientRecord connection, long seq);

    /// <summary>The number of subscribed connections of each pipe (0 included), in request order.</summary>
    Task<IReadOnlyList<PipeCount>> CountSubscribersAsync(int devId, IReadOnlyCollection<string> pipes);

    /// <summary>One row per connection subscribed to the pipe, anonymous ones included (user id 0).</summary>
    Task<IReadOnlyList<ClientRecord>> GetSubscribersAsync(int devId, string pipe);

    /// <summary>users_time for each requested id, in request order: 0 while online, the unix time of
    /// the last disconnect, or -1 when nothing is known.</summary>
    Task<IReadOnlyList<UserTime>> GetUserTimesAsync(int devId, IReadOnlyCollection<long> userIds);
}

/// <summary>The subscriber count of a pipe.</summary>
public readonly record struct PipeCount(string Pipe, long Count);

/// <summary>A row of users_time.</summary>
public readonly record struct UserTime(long UserId, long Time);
