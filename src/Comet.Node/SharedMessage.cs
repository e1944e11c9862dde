using System.Diagnostics;
using Comet.Core.Messages;

namespace Comet.Node;

/// <summary>
/// One message on its way to this node's clients, shared by every receiver: the transport encodes it
/// once (<see cref="Encoded{T}"/>) and writes the same bytes to each.
/// </summary>
public sealed class SharedMessage(CometMessage message)
{
    private object? _encoded;

    public CometMessage Message { get; } = message;

    /// <summary>When the node got it (<see cref="Stopwatch"/> ticks): the start of the publish-to-delivery
    /// lag (comet.delivery.lag).</summary>
    public long ReceivedTimestamp { get; } = Stopwatch.GetTimestamp();

    /// <summary>The transport's encoding of the message: made by the first receiver, reused by the others.</summary>
    public T Encoded<T>(Func<SharedMessage, T> encode)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(encode);
        if (Volatile.Read(ref _encoded) is T encoded)
        {
            return encoded;
        }
        var made = encode(this);
        // Two first receivers at once: both encode, one result is kept.
        return Interlocked.CompareExchange(ref _encoded, made, null) as T ?? made;
    }
}
