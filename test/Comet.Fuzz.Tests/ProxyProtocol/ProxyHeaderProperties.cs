using System.Buffers;
using System.Text;
using Comet.Core.ProxyProtocol;
using Comet.Fuzz.Tests.Support;
using Xunit.Abstractions;

namespace Comet.Fuzz.Tests.ProxyProtocol;

/// <summary>The PROXY header parser reads the first bytes of every connection from a trusted proxy.</summary>
public sealed class ProxyHeaderProperties(ITestOutputHelper output)
{
    private readonly FuzzRunner _fuzz = new(output);

    private static readonly byte[][] Valid =
    [
        Encoding.ASCII.GetBytes("PROXY TCP4 203.0.113.7 10.0.0.2 51234 3307\r\nGET / HTTP/1.1\r\n\r\n"),
        Encoding.ASCII.GetBytes("PROXY TCP6 2001:db8::7 fd00::2 65535 8087\r\n"),
        Encoding.ASCII.GetBytes("PROXY UNKNOWN\r\n"),
        [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11, 0x00, 0x10,
            203, 0, 113, 7, 10, 0, 0, 2, 0xC8, 0x22, 0x0C, 0xEB, 0x04, 0x00, 0x01, 0x00, 0x03, 0x0A],
        [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x20, 0x00, 0x00, 0x00],
    ];

    /// <summary>Valid headers, mutated (bytes flipped, cut, repeated, spliced), cut into random reads.</summary>
    private static readonly Gen<(byte[] Bytes, int[] Cuts)> Inputs =
        from bytes in Mutate.Bytes(Gen.Elements(Valid))
        from cuts in Gen.Choose(0, 5).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, Math.Max(0, bytes.Length)), n))
        select (bytes, cuts);

    [Fact]
    public void Parsing_never_throws_stays_within_its_limits_and_does_not_depend_on_how_the_bytes_arrived() =>
        _fuzz.Run("proxy header", Inputs, input =>
        {
            var whole = Parse(new ReadOnlySequence<byte>(input.Bytes));
            var pieces = Parse(Segments.Split(input.Bytes, input.Cuts));
            Assert.Equal(whole, pieces);
            if (whole.Status == ProxyHeaderParser.Status.Parsed)
            {
                Assert.InRange(whole.Consumed, 15, ProxyHeaderParser.MaxV2Length);
                // A parsed header is parsed the same from its own bytes: nothing after it mattered.
                Assert.Equal(whole, Parse(new ReadOnlySequence<byte>(input.Bytes, 0, (int)whole.Consumed)));
            }
            if (whole.Status == ProxyHeaderParser.Status.NeedMore)
            {
                // Waiting is only allowed below the limits: a longer prefix is decided.
                Assert.True(input.Bytes.Length < ProxyHeaderParser.MaxV2Length);
            }
            Assert.Equal(whole.Status == ProxyHeaderParser.Status.Invalid, whole.Error is not null);
        }, input => $"bytes {Convert.ToHexString(input.Bytes)}, cuts [{string.Join(", ", input.Cuts)}]");

    private static (ProxyHeaderParser.Status Status, string Header, long Consumed, string? Error) Parse(ReadOnlySequence<byte> buffer)
    {
        var status = ProxyHeaderParser.TryParse(buffer, out var header, out var end, out var error);
        return (status, header.ToString(), buffer.Slice(buffer.Start, end).Length, error);
    }
}
