using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Comet.Core.ProxyProtocol;

/// <summary>
/// Reads a PROXY protocol header (HAProxy's proxy-protocol.txt, versions 1 and 2) from the front of a
/// connection's bytes. Returns "need more" rather than blocking, decides "not a header" from the first
/// byte that differs from both signatures, and refuses anything the specification does not allow:
/// a receiver must not guess, so a malformed header is an error, never passed through.
/// </summary>
public static class ProxyHeaderParser
{
    /// <summary>The longest v1 header, CRLF included (the specification's own bound).</summary>
    public const int MaxV1Length = 107;

    /// <summary>The longest v2 header accepted (16 fixed bytes, addresses and TLVs); the format allows
    /// 64 KiB, real proxies send a few hundred bytes at most.</summary>
    public const int MaxV2Length = 4096;

    private const int V2FixedLength = 16;

    private static ReadOnlySpan<byte> V1Signature => "PROXY "u8;

    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public enum Status
    {
        /// <summary>The bytes so far are the start of a header: read more.</summary>
        NeedMore,

        /// <summary>The connection does not start with a PROXY protocol header.</summary>
        NotProxy,

        /// <summary>A header that breaks the specification (<c>error</c> says how).</summary>
        Invalid,

        /// <summary>A complete, valid header; <c>end</c> is the first byte after it.</summary>
        Parsed,
    }

    public enum Signature
    {
        /// <summary>Not a PROXY header.</summary>
        None,

        /// <summary>The bytes so far match the start of a signature.</summary>
        Partial,
        V1,
        V2,
    }

    /// <summary>Which signature the bytes start with, from as few bytes as there are.</summary>
    public static Signature Detect(ReadOnlySequence<byte> buffer)
    {
        Span<byte> start = stackalloc byte[12];
        var length = (int)Math.Min(buffer.Length, start.Length);
        buffer.Slice(0, length).CopyTo(start);
        return Detect(start[..length]);
    }

    /// <inheritdoc cref="Detect(ReadOnlySequence{byte})"/>
    public static Signature Detect(ReadOnlySpan<byte> start)
    {
        if (Matches(start, V1Signature))
        {
            return start.Length >= V1Signature.Length ? Signature.V1 : Signature.Partial;
        }
        if (Matches(start, V2Signature))
        {
            return start.Length >= V2Signature.Length ? Signature.V2 : Signature.Partial;
        }
        return Signature.None;
    }

    public static Status TryParse(ReadOnlySequence<byte> buffer, out ProxyHeader header, out SequencePosition end, out string? error)
    {
        header = default;
        end = buffer.Start;
        error = null;
        return Detect(buffer) switch
        {
            Signature.None => Status.NotProxy,
            Signature.Partial => Status.NeedMore,
            Signature.V1 => TryParseV1(buffer, out header, out end, out error),
            _ => TryParseV2(buffer, out header, out end, out error),
        };
    }

    private static bool Matches(ReadOnlySpan<byte> start, ReadOnlySpan<byte> signature) =>
        start.Length > 0 && signature.StartsWith(start[..Math.Min(start.Length, signature.Length)]);

    // v1: "PROXY TCP4 <src> <dst> <sport> <dport>\r\n", "PROXY TCP6 ...", or "PROXY UNKNOWN[ ...]\r\n".
    private static Status TryParseV1(ReadOnlySequence<byte> buffer, out ProxyHeader header, out SequencePosition end, out string? error)
    {
        header = default;
        end = buffer.Start;
        error = null;
        Span<byte> line = stackalloc byte[MaxV1Length];
        var length = (int)Math.Min(buffer.Length, MaxV1Length);
        buffer.Slice(0, length).CopyTo(line);
        var crlf = line[..length].IndexOf("\r\n"u8);
        if (crlf < 0)
        {
            if (length < MaxV1Length && line[..length].IndexOf((byte)'\n') < 0)
            {
                return Status.NeedMore;
            }
            error = $"a v1 header must end with CRLF within {MaxV1Length} bytes";
            return Status.Invalid;
        }
        end = buffer.GetPosition(crlf + 2);
        foreach (var b in line[..crlf])
        {
            if (b is < 0x20 or > 0x7E)
            {
                error = "a v1 header holds a byte that is not printable ASCII";
                return Status.Invalid;
            }
        }
        var fields = Encoding.ASCII.GetString(line[..crlf]).Split(' ');
        if (fields.Length >= 2 && fields[1] == "UNKNOWN")
        {
            // The proxy could not tell the client's address: the connection's own endpoints stand.
            header = new ProxyHeader(1, null, null);
            return Status.Parsed;
        }
        if (fields.Length != 6 || (fields[1] != "TCP4" && fields[1] != "TCP6"))
        {
            error = "a v1 header must be PROXY TCP4|TCP6 <source> <destination> <source port> <destination port>, or PROXY UNKNOWN";
            return Status.Invalid;
        }
        var family = fields[1] == "TCP4" ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
        if (!TryParseAddress(fields[2], family, out var source) || !TryParseAddress(fields[3], family, out var destination))
        {
            error = $"a v1 {fields[1]} header has an address that is not {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")}";
            return Status.Invalid;
        }
        if (!TryParsePort(fields[4], out var sourcePort) || !TryParsePort(fields[5], out var destinationPort))
        {
            error = "a v1 header has a port that is not a number from 0 to 65535";
            return Status.Invalid;
        }
        header = new ProxyHeader(1, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort));
        return Status.Parsed;
    }

    private static bool TryParseAddress(string text, AddressFamily family, out IPAddress address)
    {
        address = IPAddress.None;
        if (family == AddressFamily.InterNetwork)
        {
            // Four dotted decimal octets only: IPAddress.TryParse also takes "1", "0x7f.1" and the like.
            var octets = text.Split('.');
            if (octets.Length != 4 || octets.Any(o => o.Length is 0 or > 3 || !o.All(char.IsAsciiDigit) || int.Parse(o, CultureInfo.InvariantCulture) > 255))
            {
                return false;
            }
        }
        else if (text.Length == 0 || !text.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.'))
        {
            return false;
        }
        return IPAddress.TryParse(text, out address!) && address.AddressFamily == family;
    }

    private static bool TryParsePort(string text, out int port)
    {
        port = 0;
        return text.Length is > 0 and <= 5 && text.All(char.IsAsciiDigit)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;
    }

    // v2: 12-byte signature, version/command, family/transport, 16-bit length, addresses, then TLVs.
    private static Status TryParseV2(ReadOnlySequence<byte> buffer, out ProxyHeader header, out SequencePosition end, out string? error)
    {
        header = default;
        end = buffer.Start;
        error = null;
        if (buffer.Length < V2FixedLength)
        {
            return Status.NeedMore;
        }
        Span<byte> fixedPart = stackalloc byte[V2FixedLength];
        buffer.Slice(0, V2FixedLength).CopyTo(fixedPart);
        var version = fixedPart[12] >> 4;
        var command = fixedPart[12] & 0x0F;
        var family = fixedPart[13] >> 4;
        var transport = fixedPart[13] & 0x0F;
        var length = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[14..]);
        if (version != 2)
        {
            error = $"a v2 header has version {version}, not 2";
            return Status.Invalid;
        }
        if (command > 1)
        {
            error = $"a v2 header has command {command}: only LOCAL (0) and PROXY (1) exist";
            return Status.Invalid;
        }
        if (family > 3 || transport > 2)
        {
            error = $"a v2 header has an unknown address family or transport (0x{fixedPart[13]:X2})";
            return Status.Invalid;
        }
        if (V2FixedLength + length > MaxV2Length)
        {
            error = $"a v2 header of {V2FixedLength + length} bytes is longer than the {MaxV2Length} accepted";
            return Status.Invalid;
        }
        if (buffer.Length < V2FixedLength + length)
        {
            return Status.NeedMore;
        }
        var body = new byte[length];
        buffer.Slice(V2FixedLength, length).CopyTo(body);
        end = buffer.GetPosition(V2FixedLength + length);

        var addressLength = family switch { 1 => 12, 2 => 36, 3 => 216, _ => 0 };
        if (command == 1 && family != 0 && transport != 1)
        {
            error = "a v2 PROXY header over a stream connection must name the STREAM transport";
            return Status.Invalid;
        }
        if (length < addressLength)
        {
            error = $"a v2 header's length {length} is shorter than its addresses ({addressLength} bytes)";
            return Status.Invalid;
        }
        if (!TlvsAreWellFormed(body.AsSpan(addressLength)))
        {
            error = "a v2 header's TLVs do not fill its length exactly";
            return Status.Invalid;
        }
        if (command == 0 || family is 0 or 3)
        {
            // LOCAL (the proxy's own connection, e.g. a health check), UNSPEC or a UNIX socket: no IP
            // addresses to take, the connection's own endpoints stand.
            header = new ProxyHeader(2, null, null);
            return Status.Parsed;
        }
        header = family == 1
            ? new ProxyHeader(2,
                new IPEndPoint(new IPAddress(body.AsSpan(0, 4)), BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(8))),
                new IPEndPoint(new IPAddress(body.AsSpan(4, 4)), BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(10))))
            : new ProxyHeader(2,
                new IPEndPoint(new IPAddress(body.AsSpan(0, 16)), BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(32))),
                new IPEndPoint(new IPAddress(body.AsSpan(16, 16)), BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(34))));
        return Status.Parsed;
    }

    /// <summary>Type (1 byte), length (2 bytes, big-endian), value; repeated to the end exactly.</summary>
    private static bool TlvsAreWellFormed(ReadOnlySpan<byte> tlvs)
    {
        while (tlvs.Length > 0)
        {
            if (tlvs.Length < 3)
            {
                return false;
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(tlvs[1..]);
            if (tlvs.Length < 3 + length)
            {
                return false;
            }
            tlvs = tlvs[(3 + length)..];
        }
        return true;
    }
}
