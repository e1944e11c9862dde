using System.Buffers;
using System.Text;

namespace Comet.WebSockets.Transport;

/// <summary>
/// Reads the first HTTP/1.1 request of a connection far enough to tell whether it is a valid
/// WebSocket upgrade to one of the connect routes. Anything else (another path, another method,
/// HTTP/2, a malformed or oversized head) is left to Kestrel's HTTP stack untouched.
/// </summary>
internal static class HandshakeParser
{
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] Get = "GET "u8.ToArray();

    /// <summary>The verdict on the bytes so far.</summary>
    public enum Verdict
    {
        NeedMore,
        NotOurs,
        Upgrade,
    }

    /// <summary>The parsed upgrade: the route's parameters and the headers the session needs.</summary>
    public sealed record Request(string UrlPart, string Key, string? Origin, string UserAgent, string AcceptLanguage,
        string ForwardedFor, bool OffersChat);

    /// <summary>Looks at <paramref name="buffer"/>; on <see cref="Verdict.Upgrade"/>, <paramref name="end"/>
    /// is the first byte after the head.</summary>
    public static Verdict Parse(ReadOnlySequence<byte> buffer, int maxRequestLine, int maxHeadBytes, out Request? request, out SequencePosition end)
    {
        request = null;
        end = buffer.Start;
        var prefix = (int)Math.Min(Get.Length, buffer.Length);
        Span<byte> start = stackalloc byte[Get.Length];
        buffer.Slice(0, prefix).CopyTo(start);
        if (!Get.AsSpan(0, prefix).SequenceEqual(start[..prefix]))
        {
            return Verdict.NotOurs;
        }
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> head, HeadEnd, advancePastDelimiter: true))
        {
            return buffer.Length > maxHeadBytes ? Verdict.NotOurs : Verdict.NeedMore;
        }
        if (head.Length > maxHeadBytes)
        {
            return Verdict.NotOurs;
        }
        request = Read(Encoding.Latin1.GetString(head), maxRequestLine);
        if (request is null)
        {
            return Verdict.NotOurs;
        }
        end = reader.Position;
        return Verdict.Upgrade;
    }

    private static Request? Read(string head, int maxRequestLine)
    {
        var lines = head.Split("\r\n");
        if (lines[0].Length > maxRequestLine)
        {
            // The HTTP stack answers it with its usual 414.
            return null;
        }
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || requestLine[2] != "HTTP/1.1" || !WebSocketRoutes.TryMatch(requestLine[1], out var urlPart))
        {
            return null;
        }
        string upgrade = "", connection = "", version = "", key = "", protocols = "", userAgent = "", language = "", forwarded = "";
        string? origin = null;
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return null;
            }
            var value = line.AsSpan(colon + 1).Trim().ToString();
            switch (line[..colon].ToLowerInvariant())
            {
                case "upgrade":
                    upgrade = value;
                    break;
                case "connection":
                    connection = Join(connection, value);
                    break;
                case "sec-websocket-version":
                    version = value;
                    break;
                case "sec-websocket-key":
                    key = value;
                    break;
                case "sec-websocket-protocol":
                    protocols = Join(protocols, value);
                    break;
                case "origin":
                    origin = value;
                    break;
                case "user-agent":
                    userAgent = value;
                    break;
                case "accept-language":
                    language = value;
                    break;
                case "x-forwarded-for":
                    forwarded = Join(forwarded, value);
                    break;
                case "content-length" or "transfer-encoding":
                    // An upgrade has no body; let the HTTP stack judge such a request.
                    return null;
            }
        }
        if (!WebSocketUpgrade.HasToken(upgrade, "websocket") || !WebSocketUpgrade.HasToken(connection, "upgrade")
            || version != "13" || !WebSocketFrames.IsValidKey(key))
        {
            return null;
        }
        return new Request(urlPart, key, origin, userAgent, language, forwarded, WebSocketUpgrade.HasToken(protocols, "chat"));
    }

    private static string Join(string existing, string value) => existing.Length == 0 ? value : existing + ", " + value;
}
