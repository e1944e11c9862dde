using System.Text.Json;
using Comet.Testing;

namespace Comet.CometQL.Tests.Integration;

/// <summary>Runs the PHP and node client scripts of test/clients against a gateway and parses their JSON.</summary>
internal static class ScriptClients
{
    private static string Root => RepositoryRoot.Path;

    public static Task<JsonElement> PhpAsync(TestGateway gateway, string user, string script, params string[] args) =>
        RunAsync(RequiredTool.Php, [Path.Combine(Root, "test", "clients", "php", script), .. args], gateway, user, null);

    public static Task<JsonElement> NodeAsync(TestGateway gateway, string user, string script)
    {
        var node = RequiredTool.Node;
        var directory = RequiredTool.NodeClientsDirectory;
        return RunAsync(node, [Path.Combine(directory, "cometql", script)], gateway, user, directory);
    }

    private static async Task<JsonElement> RunAsync(string program, string[] args, TestGateway gateway, string user, string? directory)
    {
        var environment = new Dictionary<string, string>
        {
            ["COMETQL_PORT"] = gateway.CometQLPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["COMETQL_USER"] = user,
            ["COMETQL_PASSWORD"] = TestGateway.Password,
        };
        var result = await ProcessRunner.RunAsync(program, args, environment: environment, workingDirectory: directory, timeout: TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.ToString());
        var line = result.StandardOutput.Trim().Split('\n')[^1];
        using var document = JsonDocument.Parse(line);
        return document.RootElement.Clone();
    }
}
