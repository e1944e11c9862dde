using System.Buffers;

namespace Comet.CometQL.Serialization;

/// <summary>
/// Splits received bytes into packets (3-byte little-endian length, 1-byte sequence id, payload).
/// Returns "need more data" instead of blocking, so several packets in one read and one packet
/// across reads both work.
/// </summary>
internal static class PacketFramer
{
    public const int HeaderSize = 4;

    /// <summary>The payload length that means "continued in the next packet"; we refuse such sizes.</summary>
    public const int MaxSinglePacketPayload = 0xFF_FFFF;

    public enum Outcome
    {
        NeedMoreData,
        Packet,
        TooLarge,
    }

    /// <summary>Reads one packet from the front of <paramref name="buffer"/> and slices it off.</summary>
    public static Outcome TryRead(ref ReadOnlySequence<byte> buffer, int maxPayload, out byte sequenceId, out ReadOnlySequence<byte> payload)
    {
        sequenceId = 0;
        payload = default;
        if (buffer.Length < HeaderSize)
        {
            return Outcome.NeedMoreData;
        }
        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        var length = header[0] | (header[1] << 8) | (header[2] << 16);
        sequenceId = header[3];
        if (length > maxPayload || length >= MaxSinglePacketPayload)
        {
            return Outcome.TooLarge;
        }
        if (buffer.Length < HeaderSize + length)
        {
            return Outcome.NeedMoreData;
        }
        payload = buffer.Slice(HeaderSize, length);
        buffer = buffer.Slice(HeaderSize + length);
        return Outcome.Packet;
    }
}
