using System.Buffers;
using Comet.CometQL.Serialization;
using Comet.Fuzz.Tests.Support;
using Xunit.Abstractions;

namespace Comet.Fuzz.Tests.CometQL;

/// <summary>The framer sees every byte a CometQL client sends, before anything else does.</summary>
public sealed class PacketFramerProperties(ITestOutputHelper output)
{
    private readonly FuzzRunner _fuzz = new(output);

    /// <summary>Streams of frames (some mutated), cut into random reads, with random packet limits.</summary>
    private static readonly Gen<(byte[] Stream, int[] Cuts, int MaxPayload)> Streams =
        from payloads in Gen.Choose(0, 5).SelectMany(n => Gen.ArrayOf(Mutate.RandomBytes(64), n))
        let frames = payloads.SelectMany((p, i) => MySqlWire.Frame(p, (byte)i)).ToArray()
        from stream in Mutate.Bytes(Gen.Constant(frames))
        from cuts in Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, Math.Max(0, stream.Length)), n))
        from maxPayload in Gen.Elements(0, 1, 16, 64, 1024, PacketFramer.MaxSinglePacketPayload, int.MaxValue)
        select (stream, cuts, maxPayload);

    [Fact]
    public void Framing_never_throws_and_does_not_depend_on_how_the_bytes_arrived() =>
        _fuzz.Run("packet framer", Streams, input =>
        {
            var whole = ReadAll(new ReadOnlySequence<byte>(input.Stream), input.MaxPayload);
            var pieces = ReadAll(Segments.Split(input.Stream, input.Cuts), input.MaxPayload);
            Assert.Equal(whole, pieces);
            var consumed = 0;
            foreach (var (outcome, sequenceId, payload) in whole)
            {
                var length = input.Stream[consumed] | (input.Stream[consumed + 1] << 8) | (input.Stream[consumed + 2] << 16);
                Assert.Equal(input.Stream[consumed + 3], sequenceId);
                if (outcome == PacketFramer.Outcome.TooLarge)
                {
                    Assert.True(length > input.MaxPayload || length >= PacketFramer.MaxSinglePacketPayload);
                    return;
                }
                Assert.Equal(Convert.ToHexString(input.Stream, consumed + 4, length), payload);
                consumed += 4 + length;
            }
        }, input => $"stream {Printable.Of(input.Stream)}, cuts [{string.Join(", ", input.Cuts)}], max {input.MaxPayload}");

    /// <summary>Reads packets until more data is needed or one is too large (the session then closes).</summary>
    private static List<(PacketFramer.Outcome, byte, string)> ReadAll(ReadOnlySequence<byte> buffer, int maxPayload)
    {
        var packets = new List<(PacketFramer.Outcome, byte, string)>();
        while (true)
        {
            var outcome = PacketFramer.TryRead(ref buffer, maxPayload, out var sequenceId, out var payload);
            if (outcome == PacketFramer.Outcome.NeedMoreData)
            {
                return packets;
            }
            packets.Add((outcome, sequenceId, Convert.ToHexString(payload.ToArray())));
            if (outcome == PacketFramer.Outcome.TooLarge)
            {
                return packets;
            }
        }
    }
}
