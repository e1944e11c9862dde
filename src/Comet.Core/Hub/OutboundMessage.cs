using Comet.Core.Messages;

namespace Comet.Core.Hub;

/// <summary>
/// One message on its way to local connections, encoded once and shared by every receiver. The
/// compat-mode encoding (clients below v4) is made lazily, at most once, only if such a client gets it.
/// </summary>
public sealed class OutboundMessage
{
    private readonly CometMessage? _message;
    private readonly byte[] _bytes;
    private readonly Lock _compatLock = new();
    private byte[]? _compatBytes;

    private OutboundMessage(CometMessage? message, byte[] bytes, byte[]? compatBytes)
    {
        _message = message;
        _bytes = bytes;
        _compatBytes = compatBytes;
        ReceivedTimestamp = message is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
    }

    /// <summary>When the hub got the message (<see cref="System.Diagnostics.Stopwatch"/> ticks; 0 for
    /// per-connection answers): the start of the publish-to-delivery lag (comet.delivery.lag).</summary>
    public long ReceivedTimestamp { get; }

    /// <summary>A message for any number of receivers: the normal encoding now, the compat one on demand.</summary>
    public static OutboundMessage Shared(CometMessage message) =>
        new(message, CometMessageEncoder.Encode(message, compat: false), null);

    /// <summary>Bytes already encoded for one connection's mode (answers, errors, serverInfo).</summary>
    public static OutboundMessage Encoded(byte[] bytes) => new(null, bytes, bytes);

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
