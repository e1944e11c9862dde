using Comet.Core.Names;

namespace Comet.Core.Messages;

/// <summary>A personal message (users_messages) waiting in a user's offline queue.</summary>
/// <param name="Id">A unique id of this message (the <c>index</c> column of users_messages).</param>
/// <param name="Event">The event name.</param>
/// <param name="Message">The message text as the backend wrote it.</param>
/// <param name="Time">Unix seconds when it was sent.</param>
/// <param name="Seq">Its place among the user's personal messages (increasing; 0 when unknown).</param>
public sealed record QueuedMessage(string Id, string Event, string Message, long Time, long Seq = 0)
{
    /// <summary>The message as a connection receives it when it is delivered from the queue (or resent).</summary>
    public CometMessage ToQueuedDelivery() =>
        new(PipeNames.Personal, Event, Message, SendTime: Time, FromQueue: true, Seq: Seq);

    /// <summary>The message as a connection receives it live (no time field, spec §2.4).</summary>
    public CometMessage ToLiveDelivery() => new(PipeNames.Personal, Event, Message, Seq: Seq);
}
