using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Comet.Client;

/// <summary>
/// The browser client's files (js/), embedded in this assembly so a gateway serves exactly the
/// version it was built with: <c>CometServerApi.js</c> (classic script), <c>comet.js</c> (ES module)
/// and <c>comet.d.ts</c> (TypeScript declarations).
/// </summary>
public static class ClientScripts
{
    private const string ResourcePrefix = "Comet.Client.js.";

    private static readonly FrozenDictionary<string, ClientScript> Files = Load();

    /// <summary>Every file, by name.</summary>
    public static IReadOnlyDictionary<string, ClientScript> All => Files;

    /// <summary>The file called <paramref name="name"/>, or null.</summary>
    public static ClientScript? Find(string name) => Files.GetValueOrDefault(name);

    private static FrozenDictionary<string, ClientScript> Load()
    {
        var assembly = typeof(ClientScripts).Assembly;
        var files = new Dictionary<string, ClientScript>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }
            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Missing resource {resource}.");
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var content = memory.ToArray();
            var name = resource[ResourcePrefix.Length..];
            var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..32]}\"";
            files[name] = new ClientScript(name, ContentTypeOf(name), content, etag);
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) =>
        name.EndsWith(".d.ts", StringComparison.Ordinal) ? "application/typescript; charset=utf-8"
        : "text/javascript; charset=utf-8";
}
