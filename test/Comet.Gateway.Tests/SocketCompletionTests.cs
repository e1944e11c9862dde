using Comet.Testing;
using Comet.Testing.Clients;

namespace Comet.Gateway.Tests;

/// <summary>
/// The gateway process runs socket completions inline on the runtime's socket engine threads by
/// default (Program.cs sets DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 before any socket), and an
/// operator's =0 keeps the thread-pool mode.
/// </summary>
public sealed class SocketCompletionTests
{
    private const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static Dictionary<string, string> Settings(string? variable)
    {
        var settings = new Dictionary<string, string> { ["Logging:LogLevel:Comet.Gateway.SocketEngine"] = "Information" };
        if (variable is not null)
        {
            settings[Variable] = variable;
        }
        return settings;
    }

    [Fact]
    public async Task By_default_completions_run_inline_on_one_socket_engine_thread_per_core_and_a_published_message_arrives()
    {
        await using var node = await GatewayProcess.StartAsync("inline-node", Settings(null));

        await node.WaitForOutputAsync($"Socket completions: inline ({Variable}=1)", Timeout);
        // The runtime makes one ".NET Sockets" epoll thread per core only in inline mode (else one per 30 cores).
        Assert.Equal(Environment.ProcessorCount, SocketEngineThreads(node.ProcessId));

        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(node,
            CometWebSocketClient.Path(uuid: CometWebSocketClient.NewUuid()));
        await client.SendAsync("subscription\nweb_inline");
        await using var backend = await CometQLBackend.OpenAsync(node);
        var message = await client.PublishUntilReceivedAsync("web_inline",
            () => backend.ExecuteAsync("INSERT INTO pipes_messages (name, event, message) VALUES ('web_inline', 'hello', 'inline')"));
        Assert.Equal("inline", message.GetProperty("data").GetString());
    }

    [Fact]
    public async Task An_operators_zero_keeps_completions_on_the_thread_pool()
    {
        await using var node = await GatewayProcess.StartAsync("pool-node", Settings("0"));

        await node.WaitForOutputAsync($"Socket completions: thread-pool ({Variable}=0)", Timeout);
        Assert.DoesNotContain("Socket completions: inline", node.Output, StringComparison.Ordinal);
    }

    private static int SocketEngineThreads(int pid) =>
        Directory.GetDirectories($"/proc/{pid}/task")
            .Count(task => File.ReadAllText(Path.Combine(task, "comm")).Trim() == ".NET Sockets");
}
