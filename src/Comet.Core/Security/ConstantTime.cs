using System.Security.Cryptography;
using System.Text;

namespace Comet.Core.Security;

/// <summary>Comparisons of secrets that take the same time wherever they differ.</summary>
public static class ConstantTime
{
    /// <summary>Compares two byte strings without an early exit.</summary>
    public static bool Equals(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) =>
        CryptographicOperations.FixedTimeEquals(left, right);

    /// <summary>Compares two strings (as UTF-8) without an early exit on content.</summary>
    public static bool Equals(string? left, string? right)
    {
        if (left is null || right is null)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(left), Encoding.UTF8.GetBytes(right));
    }
}
