using System.Buffers;
using Comet.CometQL.Auth;
using Comet.CometQL.Serialization;

namespace Comet.CometQL.Tests.Unit;

public sealed class PacketTests
{
    private static byte[] Packet(byte sequence, params byte[] payload) =>
        [(byte)payload.Length, (byte)(payload.Length >> 8), (byte)(payload.Length >> 16), sequence, .. payload];

    [Fact]
    public void Several_packets_in_one_buffer_are_read_one_by_one()
    {
        var bytes = Packet(0, 3, (byte)'a').Concat(Packet(0, 14)).ToArray();
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(PacketFramer.Outcome.Packet, PacketFramer.TryRead(ref buffer, 1024, out _, out var first));
        Assert.Equal([3, (byte)'a'], first.ToArray());
        Assert.Equal(PacketFramer.Outcome.Packet, PacketFramer.TryRead(ref buffer, 1024, out _, out var second));
        Assert.Equal([14], second.ToArray());
        Assert.Equal(PacketFramer.Outcome.NeedMoreData, PacketFramer.TryRead(ref buffer, 1024, out _, out _));
    }

    [Fact]
    public void A_packet_split_across_reads_needs_more_data_until_complete()
    {
        var bytes = Packet(7, 3, 1, 2, 3, 4);
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            var partial = new ReadOnlySequence<byte>(bytes, 0, cut);
            Assert.Equal(PacketFramer.Outcome.NeedMoreData, PacketFramer.TryRead(ref partial, 1024, out _, out _));
        }
        var whole = SegmentedSequence(bytes, 3);
        Assert.Equal(PacketFramer.Outcome.Packet, PacketFramer.TryRead(ref whole, 1024, out var sequence, out var payload));
        Assert.Equal(7, sequence);
        Assert.Equal([3, 1, 2, 3, 4], payload.ToArray());
    }

    [Fact]
    public void An_oversized_header_is_refused_before_the_body_arrives()
    {
        var buffer = new ReadOnlySequence<byte>([0xFF, 0xFF, 0x0F, 0]);
        Assert.Equal(PacketFramer.Outcome.TooLarge, PacketFramer.TryRead(ref buffer, 1024, out _, out _));
    }

    [Fact]
    public void Length_encoded_integers_round_trip()
    {
        foreach (var value in new ulong[] { 0, 250, 251, 65535, 65536, 0xFFFFFF, 0x1000000, ulong.MaxValue })
        {
            var bytes = new byte[16];
            var w = new PayloadWriter(bytes);
            w.WriteLengthEncodedInteger(value);
            var r = new PayloadReader(bytes.AsSpan(0, w.Position));
            Assert.Equal(value, r.ReadLengthEncodedInteger());
            Assert.Equal(0, r.Remaining);
        }
    }

    [Fact]
    public void A_short_payload_is_malformed_not_a_crash()
    {
        Assert.Throws<MalformedPacketException>(() =>
        {
            var r = new PayloadReader([1, 2]);
            r.ReadUInt32();
        });
    }

    [Fact]
    public void Native_password_token_matches_the_MySQL_algorithm()
    {
        // SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))), as every client computes it.
        var scramble = "abcdefghijklmnopqrst"u8.ToArray();
        var token = NativePassword.ComputeToken("CometQLPassword", scramble);
        Assert.Equal(20, token.Length);
        Assert.True(NativePassword.Verify("CometQLPassword", scramble, token));
        Assert.False(NativePassword.Verify("CometQLPassword!", scramble, token));
        Assert.True(NativePassword.Verify("", scramble, []));
    }

    [Fact]
    public void Caching_sha2_token_verifies()
    {
        var scramble = "abcdefghijklmnopqrst"u8.ToArray();
        var token = CachingSha2Password.ComputeToken("CometQLPassword", scramble);
        Assert.Equal(32, token.Length);
        Assert.True(CachingSha2Password.Verify("CometQLPassword", scramble, token));
        Assert.False(CachingSha2Password.Verify("other", scramble, token));
    }

    private static ReadOnlySequence<byte> SegmentedSequence(byte[] bytes, int segmentSize)
    {
        Segment? first = null;
        Segment? last = null;
        for (var i = 0; i < bytes.Length; i += segmentSize)
        {
            var segment = new Segment(bytes.AsMemory(i, Math.Min(segmentSize, bytes.Length - i)));
            if (first is null)
            {
                first = last = segment;
            }
            else
            {
                last = last!.Append(segment);
            }
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(Segment next)
        {
            next.RunningIndex = RunningIndex + Memory.Length;
            Next = next;
            return next;
        }
    }
}
