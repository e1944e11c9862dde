using System.Buffers;
using System.Globalization;
using System.Text;

namespace Comet.Redis.Wire;

/// <summary>
/// The engine's compact field encoding, shared with the Lua scripts: each field is
/// <c>&lt;byte length&gt;:&lt;bytes&gt;</c>, fields simply concatenated. Any bytes may appear in a field.
/// </summary>
internal static class Netstring
{
    /// <summary>Appends one field.</summary>
    public static void Write(ArrayBufferWriter<byte> writer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteLength(writer, length);
        var span = writer.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        writer.Advance(length);
    }

    /// <summary>Appends one numeric field.</summary>
    public static void Write(ArrayBufferWriter<byte> writer, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        value.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
        WriteLength(writer, written);
        writer.Write(digits[..written]);
    }

    /// <summary>Encodes fields into one value.</summary>
    public static byte[] Encode(params ReadOnlySpan<string> fields)
    {
        var writer = new ArrayBufferWriter<byte>(64);
        foreach (var field in fields)
        {
            Write(writer, field);
        }
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Reads the next field, or returns false at the end (or on malformed input).</summary>
    public static bool TryRead(ref ReadOnlySpan<byte> input, out ReadOnlySpan<byte> field)
    {
        field = default;
        var colon = input.IndexOf((byte)':');
        if (colon <= 0 || colon > 10)
        {
            return false;
        }
        var length = 0;
        foreach (var digit in input[..colon])
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
            length = (length * 10) + (digit - '0');
        }
        if (input.Length < colon + 1 + length)
        {
            return false;
        }
        field = input.Slice(colon + 1, length);
        input = input[(colon + 1 + length)..];
        return true;
    }

    /// <summary>Reads the next field as text; empty at the end.</summary>
    public static string ReadString(ref ReadOnlySpan<byte> input) =>
        TryRead(ref input, out var field) ? Encoding.UTF8.GetString(field) : "";

    /// <summary>Reads the next field as a number, or null when it is empty or not a number.</summary>
    public static long? ReadNumber(ref ReadOnlySpan<byte> input)
    {
        if (!TryRead(ref input, out var field) || field.IsEmpty)
        {
            return null;
        }
        return long.TryParse(field, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    private static void WriteLength(ArrayBufferWriter<byte> writer, int length)
    {
        Span<byte> digits = stackalloc byte[11];
        length.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
        digits[written++] = (byte)':';
        writer.Write(digits[..written]);
    }
}
