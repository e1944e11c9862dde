using Comet.Core.Messages;
using Comet.Node;

namespace Comet.WebSockets.Delivery;

/// <summary>
/// One message in WebSocket clients' send queues: a node message encoded once and shared by every
/// receiver (the compat-mode encoding for clients below v4 made lazily, at most once, only if such a
/// client gets it), or bytes already encoded for one connection (answers, errors, serverInfo).
/// </summary>
public sealed class OutboundMessage
{
    private static readonly Func<SharedMessage, OutboundMessage> EncodeShared = shared =>
        new(shared.Message, CometMessageEncoder.Encode(shared.Message, compat: false), null, shared.ReceivedTimestamp);

    private readonly CometMessage? _message;
    private readonly byte[] _bytes;
    private readonly Lock _compatLock = new();
    private byte[]? _compatBytes;

    private OutboundMessage(CometMessage? message, byte[] bytes, byte[]? compatBytes, long receivedTimestamp)
    {
        _message = message;
        _bytes = bytes;
        _compatBytes = compatBytes;
        ReceivedTimestamp = receivedTimestamp;
    }

    /// <summary>When the node got the message (<see cref="System.Diagnostics.Stopwatch"/> ticks; 0 for
    /// per-connection answers): the start of the publish-to-delivery lag (comet.delivery.lag).</summary>
    public long ReceivedTimestamp { get; }

    /// <summary>A node message for any number of receivers: encoded by the first, the compat encoding on demand.</summary>
    public static OutboundMessage For(SharedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Encoded(EncodeShared);
    }

    /// <summary>Bytes already encoded for one connection's mode (answers, errors, serverInfo).</summary>
    public static OutboundMessage Encoded(byte[] bytes) => new(null, bytes, bytes, 0);

    /// <summary>The message as a connection in the given mode receives it.</summary>
    public ReadOnlyMemory<byte> GetBytes(bool compat)
    {
        if (!compat)
        {
            return _bytes;
        }
        var compatBytes = Volatile.Read(ref _compatBytes);
        if (compatBytes is not null)
        {
            return compatBytes;
        }
        lock (_compatLock)
        {
            _compatBytes ??= CometMessageEncoder.Encode(_message!, compat: true);
            return _compatBytes;
        }
    }
}
