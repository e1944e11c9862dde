using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Text;
using Comet.Core.ProxyProtocol;
using Status = Comet.Core.ProxyProtocol.ProxyHeaderParser.Status;

namespace Comet.Core.Tests.ProxyProtocol;

/// <summary>The PROXY protocol header as HAProxy's proxy-protocol.txt defines it, versions 1 and 2.</summary>
public sealed class ProxyHeaderParserTests
{
    private static readonly byte[] Request = "GET /info HTTP/1.1\r\n\r\n"u8.ToArray();

    [Theory]
    [InlineData("PROXY TCP4 203.0.113.7 10.0.0.2 51234 3307\r\n", "203.0.113.7:51234", "10.0.0.2:3307")]
    [InlineData("PROXY TCP6 2001:db8::7 fd00::2 65535 8087\r\n", "[2001:db8::7]:65535", "[fd00::2]:8087")]
    [InlineData("PROXY TCP4 0.0.0.0 255.255.255.255 0 0\r\n", "0.0.0.0:0", "255.255.255.255:0")]
    public void A_v1_header_names_the_client_and_the_bytes_after_it_are_untouched(string line, string source, string destination)
    {
        var bytes = Encoding.ASCII.GetBytes(line).Concat(Request).ToArray();

        var status = Parse(bytes, out var header, out var consumed, out _);

        Assert.Equal(Status.Parsed, status);
        Assert.Equal(1, header.Version);
        Assert.Equal(IPEndPoint.Parse(source), header.Source);
        Assert.Equal(IPEndPoint.Parse(destination), header.Destination);
        Assert.Equal(line.Length, consumed);
    }

    [Theory]
    [InlineData("PROXY UNKNOWN\r\n")]
    [InlineData("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n")]
    public void A_v1_unknown_header_keeps_the_connection_endpoints(string line)
    {
        Assert.Equal(Status.Parsed, Parse(Encoding.ASCII.GetBytes(line), out var header, out var consumed, out _));
        Assert.False(header.HasAddresses);
        Assert.Equal(line.Length, consumed);
    }

    [Theory]
    [InlineData("PROXY TCP4 203.0.113.7 10.0.0.2 51234\r\n", "PROXY TCP4|TCP6")]
    [InlineData("PROXY TCP4 203.0.113.7 10.0.0.2 51234 3307 extra\r\n", "PROXY TCP4|TCP6")]
    [InlineData("PROXY TCP4  203.0.113.7 10.0.0.2 51234 3307\r\n", "PROXY TCP4|TCP6")]
    [InlineData("PROXY UDP4 203.0.113.7 10.0.0.2 51234 3307\r\n", "PROXY TCP4|TCP6")]
    [InlineData("PROXY tcp4 203.0.113.7 10.0.0.2 51234 3307\r\n", "PROXY TCP4|TCP6")]
    [InlineData("PROXY TCP4 2001:db8::7 10.0.0.2 51234 3307\r\n", "not IPv4")]
    [InlineData("PROXY TCP6 203.0.113.7 fd00::2 51234 3307\r\n", "not IPv6")]
    [InlineData("PROXY TCP4 1 10.0.0.2 51234 3307\r\n", "not IPv4")]
    [InlineData("PROXY TCP4 0x7f.0.0.1 10.0.0.2 51234 3307\r\n", "not IPv4")]
    [InlineData("PROXY TCP4 256.0.0.1 10.0.0.2 51234 3307\r\n", "not IPv4")]
    [InlineData("PROXY TCP4 1.2.3 10.0.0.2 51234 3307\r\n", "not IPv4")]
    [InlineData("PROXY TCP6 fe80::1%eth0 fd00::2 51234 3307\r\n", "not IPv6")]
    [InlineData("PROXY TCP4 203.0.113.7 10.0.0.2 65536 3307\r\n", "port")]
    [InlineData("PROXY TCP4 203.0.113.7 10.0.0.2 -1 3307\r\n", "port")]
    [InlineData("PROXY TCP4 203.0.113.7 10.0.0.2 +80 3307\r\n", "port")]
    [InlineData("PROXY TCP4 203.0.113.7 10.0.0.2 123456 3307\r\n", "port")]
    [InlineData("PROXY TCP4 203.0.113.7 10.0.0.2 51234 3307\n", "CRLF")]
    [InlineData("PROXY TCP4 203.0.113.7 10.0.0.2 5\r1234 3307\r\n", "printable")]
    [InlineData("PROXY TCP4 203.0.113.7 10.0.0.2 51234 3307\u00e9\r\n", "printable")]
    public void A_malformed_v1_header_is_refused_with_the_reason(string line, string reason)
    {
        Assert.Equal(Status.Invalid, Parse(Encoding.Latin1.GetBytes(line), out _, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_v1_header_longer_than_107_bytes_is_refused_without_waiting_for_more()
    {
        var line = Encoding.ASCII.GetBytes("PROXY UNKNOWN " + new string('x', 100));

        Assert.Equal(Status.Invalid, Parse(line, out _, out _, out var error));
        Assert.Contains("107", error, StringComparison.Ordinal);
        // 107 bytes exactly, CRLF included, is the longest allowed.
        var longest = Encoding.ASCII.GetBytes("PROXY UNKNOWN " + new string('x', 91) + "\r\n");
        Assert.Equal(107, longest.Length);
        Assert.Equal(Status.Parsed, Parse(longest, out _, out _, out _));
    }

    [Fact]
    public void A_v2_ipv4_header_with_tlvs_names_the_client()
    {
        var tlvs = new byte[] { 0x04, 0x00, 0x02, 0, 0, 0x01, 0x00, 0x02, (byte)'h', (byte)'2' };
        var bytes = V2(0x21, 0x11, [203, 0, 113, 7, 10, 0, 0, 2, 0xC8, 0x22, 0x0C, 0xEB], tlvs).Concat(Request).ToArray();

        Assert.Equal(Status.Parsed, Parse(bytes, out var header, out var consumed, out _));
        Assert.Equal(2, header.Version);
        Assert.Equal(IPEndPoint.Parse("203.0.113.7:51234"), header.Source);
        Assert.Equal(IPEndPoint.Parse("10.0.0.2:3307"), header.Destination);
        Assert.Equal(16 + 12 + tlvs.Length, consumed);
    }

    [Fact]
    public void A_v2_ipv6_header_names_the_client()
    {
        var addresses = IPAddress.Parse("2001:db8::7").GetAddressBytes()
            .Concat(IPAddress.Parse("fd00::2").GetAddressBytes()).Concat(new byte[] { 0xC8, 0x22, 0x1F, 0x97 }).ToArray();

        Assert.Equal(Status.Parsed, Parse(V2(0x21, 0x21, addresses), out var header, out _, out _));
        Assert.Equal(IPEndPoint.Parse("[2001:db8::7]:51234"), header.Source);
        Assert.Equal(IPEndPoint.Parse("[fd00::2]:8087"), header.Destination);
    }

    [Theory]
    [InlineData(0x20, 0x00)] // LOCAL: the proxy's own connection (a health check)
    [InlineData(0x20, 0x11)] // LOCAL with addresses: they are ignored
    [InlineData(0x21, 0x00)] // PROXY, UNSPEC family
    [InlineData(0x21, 0x31)] // PROXY over a UNIX socket
    public void A_v2_header_without_ip_addresses_keeps_the_connection_endpoints(byte command, byte family)
    {
        var addressLength = family switch { 0x11 => 12, 0x31 => 216, _ => 0 };
        Assert.Equal(Status.Parsed, Parse(V2(command, family, new byte[addressLength]), out var header, out _, out _));
        Assert.False(header.HasAddresses);
    }

    [Theory]
    [InlineData(0x11, 0x11, 12, "version 1, not 2")]
    [InlineData(0x31, 0x11, 12, "version 3, not 2")]
    [InlineData(0x22, 0x11, 12, "command 2")]
    [InlineData(0x2F, 0x11, 12, "command 15")]
    [InlineData(0x21, 0x41, 12, "unknown address family")]
    [InlineData(0x21, 0x13, 12, "unknown address family")]
    [InlineData(0x21, 0x12, 12, "STREAM")] // UDP over a TCP connection
    [InlineData(0x21, 0x10, 12, "STREAM")]
    [InlineData(0x21, 0x11, 11, "shorter than its addresses")]
    [InlineData(0x21, 0x21, 35, "shorter than its addresses")]
    [InlineData(0x21, 0x31, 215, "shorter than its addresses")]
    public void A_malformed_v2_header_is_refused_with_the_reason(byte command, byte family, int length, string reason)
    {
        Assert.Equal(Status.Invalid, Parse(V2(command, family, new byte[length]), out _, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x04 })]
    [InlineData(new byte[] { 0x04, 0x00 })]
    [InlineData(new byte[] { 0x04, 0x00, 0x05, 0, 0 })]
    [InlineData(new byte[] { 0x04, 0x00, 0x00, 0x01 })]
    public void V2_tlvs_that_do_not_fill_the_length_exactly_are_refused(byte[] tlvs)
    {
        Assert.Equal(Status.Invalid, Parse(V2(0x21, 0x11, new byte[12], tlvs), out _, out _, out var error));
        Assert.Contains("TLV", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_v2_header_longer_than_4096_bytes_is_refused_from_its_first_16_bytes()
    {
        var fixedPart = V2(0x21, 0x11, new byte[12])[..16];
        BinaryPrimitives.WriteUInt16BigEndian(fixedPart.AsSpan(14), 4096 - 16 + 1);

        Assert.Equal(Status.Invalid, Parse(fixedPart, out _, out _, out var error));
        Assert.Contains("4096", error, StringComparison.Ordinal);
        Assert.Equal(Status.Parsed, Parse(V2(0x21, 0x11, new byte[12], Tlv(4096 - 16 - 12 - 3)), out _, out _, out _));
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n")]
    [InlineData("POST /x HTTP/1.1\r\n")]
    [InlineData("PUT /x HTTP/1.1\r\n")]
    [InlineData("PROXZ TCP4\r\n")]
    [InlineData("\u0016\u0003\u0001")] // a TLS ClientHello
    [InlineData("\r\n\r\n\u0000\r\nQUIX\n")]
    public void Bytes_that_are_not_a_header_are_told_apart_at_the_first_byte_that_differs(string start)
    {
        var bytes = Encoding.Latin1.GetBytes(start);
        Assert.Equal(Status.NotProxy, Parse(bytes, out _, out _, out _));
        Assert.Equal(ProxyHeaderParser.Signature.None, ProxyHeaderParser.Detect(bytes));
    }

    [Fact]
    public void Every_prefix_of_a_valid_header_needs_more_and_a_split_header_parses_the_same()
    {
        foreach (var whole in new[]
                 {
                     Encoding.ASCII.GetBytes("PROXY TCP4 203.0.113.7 10.0.0.2 51234 3307\r\n"),
                     V2(0x21, 0x11, [203, 0, 113, 7, 10, 0, 0, 2, 0xC8, 0x22, 0x0C, 0xEB], [0x04, 0x00, 0x01, 0x00]),
                 })
        {
            for (var length = 1; length < whole.Length; length++)
            {
                Assert.Equal(Status.NeedMore, Parse(whole[..length], out _, out _, out _));
            }
            for (var cut = 1; cut < whole.Length; cut++)
            {
                var split = Segments(whole[..cut], whole[cut..]);
                Assert.Equal(Status.Parsed, ProxyHeaderParser.TryParse(split, out var header, out var end, out _));
                Assert.Equal(IPEndPoint.Parse("203.0.113.7:51234"), header.Source);
                Assert.Equal(whole.Length, split.Slice(split.Start, end).Length);
            }
        }
    }

    private static Status Parse(byte[] bytes, out ProxyHeader header, out long consumed, out string? error)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        var status = ProxyHeaderParser.TryParse(buffer, out header, out var end, out error);
        consumed = buffer.Slice(buffer.Start, end).Length;
        return status;
    }

    /// <summary>A v2 header: signature, version/command, family/transport, length, addresses, TLVs.</summary>
    internal static byte[] V2(byte command, byte family, byte[] addresses, byte[]? tlvs = null)
    {
        tlvs ??= [];
        var header = new byte[16 + addresses.Length + tlvs.Length];
        new byte[] { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A }.CopyTo(header, 0);
        header[12] = command;
        header[13] = family;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)(addresses.Length + tlvs.Length));
        addresses.CopyTo(header, 16);
        tlvs.CopyTo(header, 16 + addresses.Length);
        return header;
    }

    private static byte[] Tlv(int valueLength)
    {
        var tlv = new byte[3 + valueLength];
        tlv[0] = 0x04;
        BinaryPrimitives.WriteUInt16BigEndian(tlv.AsSpan(1), (ushort)valueLength);
        return tlv;
    }

    private static ReadOnlySequence<byte> Segments(byte[] first, byte[] second)
    {
        var head = new Segment(first, 0);
        var tail = head.Append(second);
        return new ReadOnlySequence<byte>(head, 0, tail, second.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
