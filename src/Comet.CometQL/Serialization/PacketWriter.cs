using System.Buffers;

namespace Comet.CometQL.Serialization;

/// <summary>
/// Writes packets straight into the connection's output buffer: each packet reserves an upper
/// bound, writes its payload, then fills in the header with the real length and the next sequence id.
/// </summary>
internal sealed class PacketWriter(IBufferWriter<byte> output)
{
    private readonly IBufferWriter<byte> _output = output;

    /// <summary>The sequence id the next packet gets.</summary>
    public byte SequenceId { get; set; }

    /// <summary>Reserves room for a payload of at most <paramref name="maxPayload"/> bytes (header included in the span).</summary>
    public Span<byte> Begin(int maxPayload)
    {
        if (maxPayload >= PacketFramer.MaxSinglePacketPayload)
        {
            maxPayload = PacketFramer.MaxSinglePacketPayload - 1;
        }
        return _output.GetSpan(PacketFramer.HeaderSize + maxPayload);
    }

    /// <summary>The span to write the payload into.</summary>
    public static Span<byte> PayloadOf(Span<byte> packet) => packet[PacketFramer.HeaderSize..];

    /// <summary>Completes the packet begun with <see cref="Begin"/>.</summary>
    public void End(Span<byte> packet, int payloadLength)
    {
        packet[0] = (byte)payloadLength;
        packet[1] = (byte)(payloadLength >> 8);
        packet[2] = (byte)(payloadLength >> 16);
        packet[3] = SequenceId++;
        _output.Advance(PacketFramer.HeaderSize + payloadLength);
    }
}
