using System.Text.Json.Nodes;

namespace Comet.Gateway.Tests.Browser;

/// <summary>Recorded callbacks, compared with what CppComet's client gives.</summary>
internal static class CallbackJson
{
    /// <summary>A copy of the callbacks without <c>server_info.seq</c>, which our client adds to personal
    /// messages (acknowledged delivery, docs/client.md) and CppComet's client does not have.</summary>
    public static JsonNode? WithoutSeq(JsonNode? callbacks)
    {
        var copy = callbacks?.DeepClone();
        foreach (var callback in copy?.AsArray() ?? [])
        {
            (callback?["server_info"] as JsonObject)?.Remove("seq");
        }
        return copy;
    }
}
