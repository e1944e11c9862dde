using System.Buffers.Binary;
using System.Text;

namespace Comet.Fuzz.Tests.Support;

/// <summary>
/// Structured input generators: a target's valid inputs, then the same inputs mutated (truncation,
/// bit flips, boundary bytes and numbers, huge length prefixes, repeated ranges, inserted fragments,
/// odd Unicode), plus some plain random ones. Mutations of valid inputs get past the first checks of
/// a parser and so reach its deeper paths, which random bytes rarely do.
/// </summary>
internal static class Mutate
{
    /// <summary>Bytes at the edges of MySQL's encodings (length-encoded integer markers, sign bits).</summary>
    public static readonly byte[] BoundaryBytes = [0x00, 0x01, 0x02, 0x03, 0x7F, 0x80, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF];

    /// <summary>Numbers at the edges of 8-, 16-, 24- and 32-bit fields.</summary>
    public static readonly uint[] BoundaryNumbers =
        [0, 1, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0xFFFF, 0x1_0000, 0xFF_FFFE, 0xFF_FFFF, 0x100_0000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF];

    /// <summary>Characters that trip up text handling: NUL, BOM, zero-width and direction marks, lone surrogates, combining marks.</summary>
    public static readonly string[] OddUnicode =
    [
        "\0", "\uFEFF", "\u200B", "\u202E", "\uD800", "\uDC00", "\uDBFF\uDFFF", "\uD83D\uDE00", "e\u0301", "\u00A0", "\u2028",
        "\u0085", "\uFFFD", "\uFFFF", "\uFF21", "\u0130", "\u00DF", "\u0000\u0000", "\u001B[31m", "\r\n", "\t", "%00", "%C0%80", "%",
    ];

    /// <summary>Valid inputs most of the time mutated, sometimes as they are, sometimes replaced by random bytes.</summary>
    public static Gen<byte[]> Bytes(Gen<byte[]> valid) => Gen.Frequency(
        (2, valid),
        (12, from input in valid from ops in Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(ByteMutation, n)) select Apply(input, ops)),
        (1, RandomBytes(256)));

    /// <summary>Valid texts mutated with fragments of the target's language (<paramref name="dictionary"/>) and odd Unicode.</summary>
    public static Gen<string> Text(Gen<string> valid, string[] dictionary) => Gen.Frequency(
        (2, valid),
        (12, from input in valid from ops in Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(TextMutation(dictionary), n)) select Apply(input, ops)),
        (1, RandomText(dictionary)));

    public static Gen<byte[]> RandomBytes(int maxLength) =>
        Gen.Choose(0, maxLength).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n));

    /// <summary>Text made of dictionary fragments, odd characters and random ASCII.</summary>
    public static Gen<string> RandomText(string[] dictionary)
    {
        var piece = Gen.Frequency(
            (4, Gen.Elements(dictionary)),
            (2, Gen.Elements(OddUnicode)),
            (4, Gen.Choose(0x20, 0x7E).Select(c => ((char)c).ToString())),
            (1, Gen.Choose(0, 0xFFFF).Select(c => ((char)c).ToString())));
        return Gen.Choose(0, 40).SelectMany(n => Gen.ArrayOf(piece, n)).Select(string.Concat);
    }

    /// <summary>A number as text at the edges of int, long and ulong, with signs and leading zeros.</summary>
    public static Gen<string> BoundaryNumberText() => Gen.Elements(
        "0", "-0", "1", "-1", "007", "+5", "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
        "18446744073709551616", "99999", "100000", "1e5", "0x10", "1.5", "", " 1", "1 ", "١٢", "99999999999999999999999999999999999");

    private static readonly Gen<ByteOp> ByteMutation =
        from kind in Gen.Elements(Enum.GetValues<ByteOpKind>())
        from position in Gen.Choose(0, int.MaxValue)
        from amount in Gen.Choose(0, int.MaxValue)
        from boundary in Gen.Elements(BoundaryNumbers)
        from data in Gen.Frequency((3, RandomBytes(16)), (1, Gen.ArrayOf(Gen.Elements(BoundaryBytes), 4)))
        select new ByteOp(kind, position, amount, boundary, data);

    private static Gen<TextOp> TextMutation(string[] dictionary) =>
        from kind in Gen.Elements(Enum.GetValues<TextOpKind>())
        from position in Gen.Choose(0, int.MaxValue)
        from amount in Gen.Choose(0, int.MaxValue)
        from fragment in Gen.Frequency((5, Gen.Elements(dictionary)), (3, Gen.Elements(OddUnicode)), (1, BoundaryNumberText()))
        select new TextOp(kind, position, amount, fragment);

    private static byte[] Apply(byte[] input, ByteOp[] ops)
    {
        var bytes = input;
        foreach (var op in ops)
        {
            bytes = op.Apply(bytes);
        }
        return bytes;
    }

    private static string Apply(string input, TextOp[] ops)
    {
        var text = input;
        foreach (var op in ops)
        {
            text = op.Apply(text);
        }
        return text;
    }

    private enum ByteOpKind
    {
        Truncate,
        FlipBit,
        SetBoundaryByte,
        SetRandomByte,
        Insert,
        Delete,
        RepeatRange,
        OverwriteNumber,
        InsertHugeLength,
        Append,
    }

    private readonly record struct ByteOp(ByteOpKind Kind, int Position, int Amount, uint Number, byte[] Data)
    {
        public byte[] Apply(byte[] input)
        {
            var at = Position % (input.Length + 1);
            switch (Kind)
            {
                case ByteOpKind.Truncate:
                    return input[..at];
                case ByteOpKind.FlipBit when at < input.Length:
                {
                    var copy = (byte[])input.Clone();
                    copy[at] ^= (byte)(1 << (Amount % 8));
                    return copy;
                }
                case ByteOpKind.SetBoundaryByte or ByteOpKind.SetRandomByte when at < input.Length:
                {
                    var copy = (byte[])input.Clone();
                    copy[at] = Kind == ByteOpKind.SetBoundaryByte ? BoundaryBytes[Amount % BoundaryBytes.Length] : (byte)Amount;
                    return copy;
                }
                case ByteOpKind.Insert:
                    return [.. input[..at], .. Data, .. input[at..]];
                case ByteOpKind.Delete:
                    return [.. input[..at], .. input[Math.Min(input.Length, at + 1 + (Amount % 16))..]];
                case ByteOpKind.RepeatRange:
                {
                    var range = input[at..Math.Min(input.Length, at + 1 + (Amount % 8))];
                    var times = 1 + (Amount / 8 % 64);
                    var repeated = new byte[range.Length * times];
                    for (var i = 0; i < times; i++)
                    {
                        range.CopyTo(repeated, i * range.Length);
                    }
                    return [.. input[..at], .. repeated, .. input[at..]];
                }
                case ByteOpKind.OverwriteNumber:
                {
                    var copy = (byte[])input.Clone();
                    Span<byte> number = stackalloc byte[4];
                    BinaryPrimitives.WriteUInt32LittleEndian(number, Number);
                    var width = 1 + (Amount % 4);
                    for (var i = 0; i < width && at + i < copy.Length; i++)
                    {
                        copy[at + i] = number[i];
                    }
                    return copy;
                }
                case ByteOpKind.InsertHugeLength:
                {
                    byte[] prefix = (Amount % 3) switch
                    {
                        0 => [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F],
                        1 => [0xFD, 0xFF, 0xFF, 0xFF],
                        _ => [0xFC, 0xFF, 0xFF],
                    };
                    return [.. input[..at], .. prefix, .. input[at..]];
                }
                case ByteOpKind.Append:
                    return [.. input, .. Data];
                default:
                    return input;
            }
        }
    }

    private enum TextOpKind
    {
        Truncate,
        InsertFragment,
        ReplaceWithFragment,
        Delete,
        RepeatRange,
        RepeatFragment,
        WrapInQuotes,
    }

    private readonly record struct TextOp(TextOpKind Kind, int Position, int Amount, string Fragment)
    {
        /// <summary>Mostly a few repetitions; one time in eight up to a few thousand (past the parsers' count limits).</summary>
        private static int Many(int amount) => amount % 8 == 0 ? 2 + (amount / 8 % 3000) : 2 + (amount % 16);

        public string Apply(string input)
        {
            var at = Position % (input.Length + 1);
            switch (Kind)
            {
                case TextOpKind.Truncate:
                    return input[..at];
                case TextOpKind.InsertFragment:
                    return string.Concat(input.AsSpan(0, at), Fragment, input.AsSpan(at));
                case TextOpKind.ReplaceWithFragment:
                    return string.Concat(input.AsSpan(0, at), Fragment, input.AsSpan(Math.Min(input.Length, at + 1 + (Amount % 4))));
                case TextOpKind.Delete:
                    return string.Concat(input.AsSpan(0, at), input.AsSpan(Math.Min(input.Length, at + 1 + (Amount % 8))));
                case TextOpKind.RepeatRange:
                {
                    // Many tokens: a slice of the input repeated up to a few thousand times.
                    var range = input.AsSpan(at, Math.Min(input.Length - at, 1 + (Amount % 12)));
                    var builder = new StringBuilder(input.Length + (range.Length * 64));
                    builder.Append(input.AsSpan(0, at));
                    var times = Many(Amount / 12);
                    for (var i = 0; i < times; i++)
                    {
                        builder.Append(range);
                    }
                    return builder.Append(input.AsSpan(at)).ToString();
                }
                case TextOpKind.RepeatFragment:
                {
                    var times = Many(Amount);
                    var builder = new StringBuilder(input.Length + (Fragment.Length * times));
                    builder.Append(input.AsSpan(0, at));
                    for (var i = 0; i < times; i++)
                    {
                        builder.Append(Fragment);
                    }
                    return builder.Append(input.AsSpan(at)).ToString();
                }
                case TextOpKind.WrapInQuotes:
                {
                    // Nested quotes: the rest of the input inside quotes of another kind, escaped or doubled.
                    string[] quotes = ["'", "\"", "`", "\\'", "''", "\\\"", "'\\''"];
                    var quote = quotes[Amount % quotes.Length];
                    return string.Concat(input.AsSpan(0, at), quote, input.AsSpan(at), quote);
                }
                default:
                    return input;
            }
        }
    }
}
