using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Comet.Core.Messages;
using Comet.Core.Names;

namespace Comet.WebSockets.Delivery;

/// <summary>
/// Writes a <see cref="CometMessage"/> as the UTF-8 JSON a CppComet client reads (spec §2.2–2.4):
/// keys sorted alphabetically (CppComet used nlohmann::json, whose objects are sorted maps), and
/// optional fields only when set.
/// </summary>
public static class CometMessageEncoder
{
    /// <summary>The marker compat mode adds to every message (CppComet's exact text).</summary>
    public const string CompatApiData = "for major_version < 4";

    /// <summary>How every server message is written (serverInfo and answers too, ServerMessages).</summary>
    internal static readonly JsonWriterOptions WriterOptions = new()
    {
        // nlohmann writes UTF-8 as it is; keep HTML characters and non-ASCII readable too.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Encodes the message into a new exact-size array (the bytes every receiver shares).</summary>
    /// <param name="message">The message.</param>
    /// <param name="compat">Adds <c>event_name</c> and <c>api_data</c> and stringifies JSON data (clients below v4).</param>
    /// <param name="marker">The <c>marker</c> of an answer to a client request, if any.</param>
    /// <param name="info">The <c>_info</c> field of some answers, if any.</param>
    /// <param name="withSeq">Writes a personal message's <c>seq</c> (clients that acknowledge).</param>
    public static byte[] Encode(CometMessage message, bool compat, string? marker = null, string? info = null, bool withSeq = false)
    {
        var (buffer, writer) = Rent();
        writer.WriteStartObject();
        // Sorted by byte value, as std::map<std::string> sorts: "_" comes before lowercase letters.
        if (info is not null)
        {
            writer.WriteString("_info"u8, info);
        }
        if (compat)
        {
            writer.WriteString("api_data"u8, CompatApiData);
        }
        WriteData(writer, message, compat);
        writer.WriteString("event"u8, message.Event);
        if (compat)
        {
            writer.WriteString("event_name"u8, message.Event);
        }
        if (message.FromQueue)
        {
            writer.WriteBoolean("fromQueue"u8, true);
        }
        if (marker is not null)
        {
            writer.WriteString("marker"u8, marker);
        }
        if (message.SendTime is { } time)
        {
            writer.WriteNumber("message_send_time"u8, time);
        }
        writer.WriteString("pipe"u8, message.Pipe);
        if (withSeq && message.Seq > 0)
        {
            writer.WriteNumber("seq"u8, message.Seq);
        }
        if (message.UserId is { } userId)
        {
            writer.WriteNumber("user_id"u8, userId);
        }
        writer.WriteEndObject();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the <c>data</c> field; compat mode turns JSON objects, arrays and literals into
    /// a JSON string, except on the personal pipe (CppComet's <c>Client_connection::message</c>).</summary>
    private static void WriteData(Utf8JsonWriter writer, CometMessage message, bool compat)
    {
        if (!message.DataIsJson)
        {
            writer.WriteString("data"u8, message.Data);
            return;
        }
        if (compat && message.Pipe != PipeNames.Personal && !LooksLikeNumber(message.Data))
        {
            writer.WriteString("data"u8, message.Data);
            return;
        }
        writer.WritePropertyName("data"u8);
        writer.WriteRawValue(message.Data, skipInputValidation: true);
    }

    private static bool LooksLikeNumber(string json) =>
        json.Length > 0 && (char.IsAsciiDigit(json[0]) || json[0] == '-');

    /// <summary>A per-thread buffer and writer, reset for each message, so encoding allocates only the result.</summary>
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer) Rent()
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        writer.Reset(buffer);
        return (buffer, writer);
    }
}
