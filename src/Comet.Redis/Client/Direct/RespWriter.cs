using System.Buffers.Text;
using System.Text;

namespace Comet.Redis.Client.Direct;

/// <summary>
/// Encodes commands as RESP arrays of bulk strings into one growable buffer, so that every command
/// queued while a write is out goes to the socket in the next single write.
/// </summary>
internal sealed class RespWriter
{
    // A buffer that grew past this for one burst is not kept: an idle connection holds little.
    private const int KeptCapacity = 64 * 1024;
    private const int InitialCapacity = 4 * 1024;

    private byte[] _buffer = new byte[InitialCapacity];

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, Length);

    public void Reset()
    {
        Length = 0;
        if (_buffer.Length > KeptCapacity)
        {
            _buffer = new byte[InitialCapacity];
        }
    }

    /// <summary>Starts a command of <paramref name="parts"/> bulk strings (its name included).</summary>
    public void BeginCommand(int parts) => Header((byte)'*', parts);

    public void Bulk(ReadOnlySpan<byte> value)
    {
        Header((byte)'$', value.Length);
        Ensure(value.Length + 2);
        value.CopyTo(_buffer.AsSpan(Length));
        Length += value.Length;
        NewLine();
    }

    public void Bulk(string value)
    {
        var size = Encoding.UTF8.GetByteCount(value);
        Header((byte)'$', size);
        Ensure(size + 2);
        Length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(Length));
        NewLine();
    }

    public void Bulk(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out var written);
        Bulk(digits[..written]);
    }

    private void Header(byte kind, long count)
    {
        Ensure(24);
        _buffer[Length++] = kind;
        Utf8Formatter.TryFormat(count, _buffer.AsSpan(Length), out var written);
        Length += written;
        NewLine();
    }

    private void NewLine()
    {
        Ensure(2);
        _buffer[Length++] = (byte)'\r';
        _buffer[Length++] = (byte)'\n';
    }

    private void Ensure(int more)
    {
        if (Length + more <= _buffer.Length)
        {
            return;
        }
        var grown = new byte[Math.Max(_buffer.Length * 2, Length + more)];
        _buffer.AsSpan(0, Length).CopyTo(grown);
        _buffer = grown;
    }
}
