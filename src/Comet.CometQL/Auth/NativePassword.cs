using System.Security.Cryptography;
using System.Text;
using Comet.Core.Security;

namespace Comet.CometQL.Auth;

/// <summary>
/// mysql_native_password: the client proves the key with SHA1(key) XOR SHA1(scramble + SHA1(SHA1(key))).
/// The server knows the key, so it computes the same token and compares in constant time.
/// </summary>
// SHA1 is what the mysql_native_password protocol defines; it is not our choice of hash.
#pragma warning disable CA5350
internal static class NativePassword
{
    public const int TokenLength = 20;

    public static byte[] ComputeToken(string key, ReadOnlySpan<byte> scramble)
    {
        if (key.Length == 0)
        {
            return [];
        }
        var stage1 = SHA1.HashData(Encoding.UTF8.GetBytes(key));
        var stage2 = SHA1.HashData(stage1);
        var combined = new byte[scramble.Length + stage2.Length];
        scramble.CopyTo(combined);
        stage2.CopyTo(combined.AsSpan(scramble.Length));
        var mask = SHA1.HashData(combined);
        for (var i = 0; i < stage1.Length; i++)
        {
            stage1[i] ^= mask[i];
        }
        return stage1;
    }

    public static bool Verify(string key, ReadOnlySpan<byte> scramble, ReadOnlySpan<byte> response) =>
        ConstantTime.Equals(ComputeToken(key, scramble), response);
}
#pragma warning restore CA5350
