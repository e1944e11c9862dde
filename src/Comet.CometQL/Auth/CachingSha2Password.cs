using System.Security.Cryptography;
using System.Text;
using Comet.Core.Security;

namespace Comet.CometQL.Auth;

/// <summary>
/// caching_sha2_password's fast path: SHA256(key) XOR SHA256(SHA256(SHA256(key)) + scramble).
/// The server knows the key, so no RSA exchange or TLS is needed; it answers "fast auth success".
/// </summary>
internal static class CachingSha2Password
{
    public const int TokenLength = 32;

    public static byte[] ComputeToken(string key, ReadOnlySpan<byte> scramble)
    {
        if (key.Length == 0)
        {
            return [];
        }
        var stage1 = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        var stage2 = SHA256.HashData(stage1);
        var combined = new byte[stage2.Length + scramble.Length];
        stage2.CopyTo(combined, 0);
        scramble.CopyTo(combined.AsSpan(stage2.Length));
        var mask = SHA256.HashData(combined);
        for (var i = 0; i < stage1.Length; i++)
        {
            stage1[i] ^= mask[i];
        }
        return stage1;
    }

    public static bool Verify(string key, ReadOnlySpan<byte> scramble, ReadOnlySpan<byte> response) =>
        ConstantTime.Equals(ComputeToken(key, scramble), response);
}
