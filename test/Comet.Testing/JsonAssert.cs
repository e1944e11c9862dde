using System.Text.Json.Nodes;
using Xunit;

namespace Comet.Testing;

/// <summary>Compares JSON as JSON (key order and spacing do not matter) and shows both on failure.</summary>
public static class JsonAssert
{
    public static void Equal(string expected, JsonNode? actual)
    {
        var expectedNode = JsonNode.Parse(expected);
        Assert.True(
            JsonNode.DeepEquals(expectedNode, actual),
            $"expected {expectedNode?.ToJsonString()}\nactual   {actual?.ToJsonString()}");
    }
}
