namespace Comet.Core.Messages;

/// <summary>One logged pipe message (a row of pipes_messages).</summary>
/// <param name="Id">A unique id of the entry (the <c>id</c> column).</param>
/// <param name="Time">Unix seconds when it was published.</param>
/// <param name="Pipe">The pipe name.</param>
/// <param name="Event">The event name.</param>
/// <param name="Message">The message text, raw.</param>
/// <param name="UserId">The sender (0 for a backend or an anonymous sender).</param>
public sealed record LogEntry(string Id, long Time, string Pipe, string Event, string Message, long UserId)
{
    /// <summary>The entry as <c>pipe_log</c> replays it (spec §2.3).</summary>
    public CometMessage ToReplay() =>
        new(Pipe, Event, Message, UserId: UserId, SendTime: Time, FromQueue: true);
}
