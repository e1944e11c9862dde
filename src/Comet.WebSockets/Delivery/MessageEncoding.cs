namespace Comet.WebSockets.Delivery;

/// <summary>How one connection wants node messages written.</summary>
public enum MessageEncoding
{
    /// <summary>The v4 encoding.</summary>
    Standard,

    /// <summary>CppComet's encoding for clients below v4 (<c>event_name</c>, <c>api_data</c>, stringified data).</summary>
    Compat,

    /// <summary>The v4 encoding with each personal message's <c>seq</c>, for clients that acknowledge.</summary>
    WithSeq,
}
