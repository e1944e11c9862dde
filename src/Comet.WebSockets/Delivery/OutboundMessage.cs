using Comet.Core.Messages;
using Comet.Node;

namespace Comet.WebSockets.Delivery;

/// <summary>
/// One message in WebSocket clients' send queues: a node message encoded once and shared by every
/// receiver (the compat encoding for clients below v4, and a personal message's encoding with its seq
/// for clients that acknowledge, each made lazily, at most once, only if such a client gets it), or
/// bytes already encoded for one connection (answers, errors, serverInfo).
/// </summary>
public sealed class OutboundMessage
{
    private static readonly Func<SharedMessage, OutboundMessage> EncodeShared = shared =>
        new(shared.Message, CometMessageEncoder.Encode(shared.Message, compat: false), null, shared.ReceivedTimestamp);

    private readonly CometMessage? _message;
    private readonly byte[] _bytes;
    private readonly Lock _variantLock = new();
    private byte[]? _compatBytes;
    private byte[]? _withSeqBytes;

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

    /// <summary>A personal message's seq; 0 for everything else.</summary>
    public long Seq => _message?.Seq ?? 0;

    /// <summary>The message as a connection that wants this encoding receives it.</summary>
    public ReadOnlyMemory<byte> GetBytes(MessageEncoding encoding) => encoding switch
    {
        MessageEncoding.Compat => Volatile.Read(ref _compatBytes) ?? MakeVariant(ref _compatBytes, compat: true, withSeq: false),
        MessageEncoding.WithSeq when _message is { Seq: > 0 } =>
            Volatile.Read(ref _withSeqBytes) ?? MakeVariant(ref _withSeqBytes, compat: false, withSeq: true),
        _ => _bytes,
    };

    private byte[] MakeVariant(ref byte[]? variant, bool compat, bool withSeq)
    {
        lock (_variantLock)
        {
            return variant ??= CometMessageEncoder.Encode(_message!, compat, withSeq: withSeq);
        }
    }
}
