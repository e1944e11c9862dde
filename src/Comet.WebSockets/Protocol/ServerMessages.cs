using System.Buffers;
using System.Text.Json;
using Comet.WebSockets.Delivery;
using Comet.Core.Messages;
using Comet.Core.Names;

namespace Comet.WebSockets.Protocol;

/// <summary>
/// The messages the server addresses to one connection (spec §2.1, §2.3): the greeting, errors and
/// answers to client commands. Keys are sorted as CppComet's nlohmann::json sorts them.
/// </summary>
public static class ServerMessages
{
    /// <summary>The <c>server</c> field of serverInfo.</summary>
    public const string ServerName = "Comet.Gateway (CppComet community 4.09 compatible)";

    /// <summary>
    /// <c>{"authorized":true,"data":"&lt;hash&gt;","event":"serverInfo","message_send_time":T,"pipe":"sys","server":"…"}</c>.
    /// In compat mode <c>authorized</c> is the string "true"/"false" that JS 3.x tests for.
    /// </summary>
    /// <param name="ackSeq">For a client that acknowledges: the seq the server resumes it after.</param>
    public static byte[] ServerInfo(bool authorized, string hash, long now, bool compat, long? ackSeq = null) => Write(writer =>
    {
        writer.WriteStartObject();
        if (ackSeq is { } seq)
        {
            writer.WriteNumber("ackSeq"u8, seq);
        }
        if (compat)
        {
            writer.WriteString("api_data"u8, CometMessageEncoder.CompatApiData);
            writer.WriteString("authorized"u8, authorized ? "true" : "false");
        }
        else
        {
            writer.WriteBoolean("authorized"u8, authorized);
        }
        writer.WriteString("data"u8, hash);
        writer.WriteString("event"u8, "serverInfo");
        if (compat)
        {
            writer.WriteString("event_name"u8, "serverInfo");
        }
        writer.WriteNumber("message_send_time"u8, now);
        writer.WriteString("pipe"u8, PipeNames.System);
        writer.WriteString("server"u8, ServerName);
        writer.WriteEndObject();
    });

    /// <summary>
    /// <c>{"data":{"code":"403","error":"…","number_messages":-1},"event":"error","message_send_time":T,"pipe":"sys"}</c>;
    /// <c>code</c> and <c>number_messages</c> only when given.
    /// </summary>
    public static byte[] Error(string text, long now, bool compat, bool numberMessages = false, string? code = null)
    {
        var data = Json(writer =>
        {
            writer.WriteStartObject();
            if (code is not null)
            {
                writer.WriteString("code"u8, code);
            }
            writer.WriteString("error"u8, text);
            if (numberMessages)
            {
                writer.WriteNumber("number_messages"u8, -1);
            }
            writer.WriteEndObject();
        });
        return SysEvent("error", data, now, compat);
    }

    /// <summary>
    /// <c>{"data":{"exp":E,"expires_in":N},"event":"tokenExpiring","message_send_time":T,"pipe":"sys"}</c>:
    /// the connection's JWT expires at E (Unix seconds), N seconds from now; send <c>refresh_token</c>
    /// before then or the connection is closed.
    /// </summary>
    public static byte[] TokenExpiring(DateTimeOffset expires, DateTimeOffset now, bool compat)
    {
        var left = (long)Math.Ceiling(Math.Max(0, (expires - now).TotalSeconds));
        var data = Json(writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("exp"u8, expires.ToUnixTimeSeconds());
            writer.WriteNumber("expires_in"u8, left);
            writer.WriteEndObject();
        });
        return SysEvent("tokenExpiring", data, now.ToUnixTimeSeconds(), compat);
    }

    /// <summary><c>{"data":{"from":F,"to":T},"event":"messagesMissed","message_send_time":T,"pipe":"sys"}</c>:
    /// a client that resumed after a seq is told which of the personal messages after it the server no
    /// longer holds (the resend window passed, or the queue was emptied).</summary>
    public static byte[] MessagesMissed(long from, long to, long now)
    {
        var data = Json(writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("from"u8, from);
            writer.WriteNumber("to"u8, to);
            writer.WriteEndObject();
        });
        return SysEvent("messagesMissed", data, now, compat: false);
    }

    /// <summary><c>{"data":{"exp":E},"event":"tokenRefreshed","message_send_time":T,"pipe":"sys"}</c>: the
    /// answer to a <c>refresh_token</c> that was accepted; the connection now expires at E.</summary>
    public static byte[] TokenRefreshed(DateTimeOffset expires, long now, bool compat)
    {
        var data = Json(writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("exp"u8, expires.ToUnixTimeSeconds());
            writer.WriteEndObject();
        });
        return SysEvent("tokenRefreshed", data, now, compat);
    }

    /// <summary>The URL error CppComet sends before it closes: <c>{"error":"401","data":"Error code 401(…)","event_name":"CometServerError"}</c>
    /// (its own hand-written key order; JS clients treat <c>error</c> &gt; 400 as fatal and stop reconnecting).</summary>
    public static byte[] UrlError(CometUrlError error) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("error"u8, error.Code.ToString(System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteString("data"u8, error.Message);
        writer.WriteString("event_name"u8, "CometServerError");
        writer.WriteEndObject();
    });

    /// <summary>An answer to a command: a <see cref="CometMessage"/> with an optional marker and <c>_info</c>.</summary>
    public static byte[] Answer(CometMessage message, bool compat, string? marker = null, string? info = null) =>
        CometMessageEncoder.Encode(message, compat, marker, info);

    /// <summary>An event of the <c>sys</c> pipe whose <c>data</c> is a JSON object.</summary>
    private static byte[] SysEvent(string @event, string data, long now, bool compat) =>
        CometMessageEncoder.Encode(new CometMessage(PipeNames.System, @event, data, DataIsJson: true, SendTime: now), compat);

    /// <summary>Writes a small JSON value to a string (the <c>data</c> of answers).</summary>
    public static string Json(Action<Utf8JsonWriter> write)
    {
        var bytes = Write(write);
        return System.Text.Encoding.UTF8.GetString(bytes);
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, CometMessageEncoder.WriterOptions))
        {
            write(writer);
        }
        return buffer.WrittenSpan.ToArray();
    }
}
