using System.Security.Cryptography;
using System.Text;

namespace Comet.Redis.Scripts;

/// <summary>One Lua script (an embedded <c>Scripts/*.lua</c> with <c>common.lua</c> in front), sent by its SHA1.</summary>
internal sealed class RedisScript
{
    private RedisScript(string name, string text)
    {
        Name = name;
        Text = text;
#pragma warning disable CA5350 // Redis names scripts by SHA1; this is not a security use.
        Sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5350
        Sha1Hex = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(Sha1));
    }

    public string Name { get; }
    public string Text { get; }
    public byte[] Sha1 { get; }

    /// <summary>The SHA1 as EVALSHA takes it: 40 lower-case hex digits, ASCII.</summary>
    public ReadOnlyMemory<byte> Sha1Hex { get; }

    public static RedisScript Load(string name) => new(name, Read("common") + Read(name));

    private static string Read(string name)
    {
        var resource = $"Comet.Redis.Scripts.{name}.lua";
        using var stream = typeof(RedisScript).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded script {resource} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
