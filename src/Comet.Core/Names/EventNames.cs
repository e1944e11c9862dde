namespace Comet.Core.Names;

/// <summary>Event names (the <c>event</c> of a message): CppComet's <c>EVENT_NAME_LEN</c>, the same for
/// CometQL and WebSocket senders.</summary>
public static class EventNames
{
    /// <summary>The longest event name, in characters.</summary>
    public const int MaxLength = 64;
}
