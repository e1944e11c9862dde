using System.Globalization;
using Comet.Core.Options;

namespace Comet.WebSockets.Protocol;

/// <summary>
/// Parses the positional connect URL exactly as CppComet's <c>parse_url</c> does: the parameter
/// names are not checked, only their order (spec §2.1). Input is the part after <c>/ws/</c>.
/// </summary>
public static class CometUrlParser
{
    /// <summary>Sessions longer than this are cut (CppComet: 600; a JWT fits).</summary>
    public const int MaxSessionLength = 600;

    /// <summary>The longest uuid kept.</summary>
    public const int MaxUuidLength = 32;

    public static readonly CometUrlError NoSession = new(401, "Error code 401(Invalid request, session ID not found)");
    public static readonly CometUrlError NoUserId = new(401, "Error code 401(Invalid request, the user ID can not be found)");
    public static readonly CometUrlError NoDevId = new(406, "Error code 406(Invalid request, no public key found [1])");
    public static readonly CometUrlError InvalidDevId = new(406, "Error code 406(Invalid request, no public key found [2])");
    public static readonly CometUrlError DevIdOutOfRange = new(406, "Error code 406(Invalid request, no public key found [3])");
    public static readonly CometUrlError NoVersion = new(418, "Error code 418(Invalid request Not assigned client api version)\n");
    public static readonly CometUrlError InvalidAck = new(400, "Error code 400(Invalid request, ack must be the highest seq the client processed: a non-negative integer)");

    /// <summary>The most digits an <c>ack</c> seq has (below 2^53, what a JS number holds exactly).</summary>
    private const int MaxAckDigits = 15;

    /// <summary>Parses <paramref name="text"/>; returns null and sets <paramref name="error"/> when a part is missing.</summary>
    public static CometUrl? Parse(ReadOnlySpan<char> text, out CometUrlError? error)
    {
        error = null;
        var equals = text.IndexOf('=');
        if (equals < 0)
        {
            error = NoSession;
            return null;
        }
        var rest = text[(equals + 1)..];
        var session = TakeUntilAmpersand(ref rest, out var hasMore);
        if (!hasMore)
        {
            error = NoUserId;
            return null;
        }

        // myid=
        var userIdText = TakeUntilAmpersand(ref rest, out hasMore);
        var userId = ReadLong(Skip(userIdText, 5));
        if (userId < 0)
        {
            userId = 0;
        }
        if (!hasMore)
        {
            error = NoDevId;
            return null;
        }

        // devid=
        var devIdText = Skip(TakeUntilAmpersand(ref rest, out hasMore), 6);
        var devId = ReadLong(devIdText);
        if (devId < 0)
        {
            error = InvalidDevId;
            return null;
        }
        if (devId >= DevIds.Limit)
        {
            error = DevIdOutOfRange;
            return null;
        }
        if (!hasMore)
        {
            error = NoVersion;
            return null;
        }

        // v=X.Y
        var version = Skip(TakeUntilAmpersand(ref rest, out hasMore), 2);
        var dot = version.IndexOf('.');
        if (dot <= 0
            || !int.TryParse(version[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(LeadingDigits(version[(dot + 1)..]), NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            error = NoVersion;
            return null;
        }

        // uuid= (optional, right after v as in CppComet); ack= (ours, by name, anywhere after v): the
        // client acknowledges personal messages.
        var uuid = "";
        long? ack = null;
        for (var position = 0; hasMore; position++)
        {
            var part = TakeUntilAmpersand(ref rest, out hasMore);
            if (position == 0 && part.StartsWith("uuid="))
            {
                var value = part[5..];
                uuid = value[..Math.Min(value.Length, MaxUuidLength)].ToString();
            }
            else if (part.StartsWith("ack="))
            {
                var digits = part[4..];
                if (digits.Length is 0 or > MaxAckDigits || LeadingDigits(digits).Length != digits.Length)
                {
                    error = InvalidAck;
                    return null;
                }
                ack = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
            }
        }

        var sessionText = session[..Math.Min(session.Length, MaxSessionLength)].ToString();
        return new CometUrl(Unescape(sessionText), userId, (int)devId, major, minor, uuid, ack);
    }

    private static ReadOnlySpan<char> TakeUntilAmpersand(ref ReadOnlySpan<char> rest, out bool hasMore)
    {
        var amp = rest.IndexOf('&');
        if (amp < 0)
        {
            var all = rest;
            rest = [];
            hasMore = false;
            return all;
        }
        var part = rest[..amp];
        rest = rest[(amp + 1)..];
        hasMore = true;
        return part;
    }

    private static ReadOnlySpan<char> Skip(ReadOnlySpan<char> part, int count) => part.Length > count ? part[count..] : [];

    private static ReadOnlySpan<char> LeadingDigits(ReadOnlySpan<char> text)
    {
        var end = 0;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }
        return text[..end];
    }

    /// <summary>Reads a decimal number as CppComet's <c>read_long</c>: -1 when there is none.</summary>
    private static long ReadLong(ReadOnlySpan<char> text)
    {
        var digits = text.Length > 0 && text[0] == '-' ? text[..(1 + LeadingDigits(text[1..]).Length)] : LeadingDigits(text);
        return long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : -1;
    }

    /// <summary>Hashes and JWTs need no escaping, but a client may percent-encode them anyway.</summary>
    private static string Unescape(string session) => session.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(session) : session;
}
