using System.Text.Json;
using Comet.Core.Engine;
using Comet.Core.Options;
using Comet.Node;
using Comet.WebSockets.Admission;
using Comet.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Comet.WebSockets.Tests.Support;

/// <summary>Helpers around a <see cref="TestGateway"/>: the engine (the backend side) and JSON checks.</summary>
public static class GatewayExtensions
{
    public static ICometEngine Engine(this TestGateway gateway) => gateway.Services.GetRequiredService<ICometEngine>();

    /// <summary>Node 1's <see cref="CometNode"/>; pin clients with <see cref="TestGateway.Node"/> to use it in cluster mode.</summary>
    public static CometNode CometNode(this TestGateway gateway) => gateway.Services.GetRequiredService<CometNode>();

    /// <summary>Node 1's count of clients closed because their send queue overflowed.</summary>
    public static long SlowConsumers(this TestGateway gateway) => gateway.Services.GetRequiredService<WebSocketLimitMetrics>().SlowConsumers;

    /// <summary>The configured node name of node 1 (of the only node for a <see cref="TestGateway.Node"/> view).</summary>
    public static string NodeName(this TestGateway gateway) => gateway.Services.GetRequiredService<IOptions<CometOptions>>().Value.NodeName;

    /// <summary>The node's identity in the cluster: its name and this process's incarnation.</summary>
    public static string NodeId(this TestGateway gateway) => gateway.Services.GetRequiredService<NodeIdentity>().Id;

    /// <summary>The last node: in cluster mode not the one behind <see cref="TestGateway.Services"/>.</summary>
    public static TestGateway LastNode(this TestGateway gateway) => gateway.Node(gateway.NodeCount - 1);

    /// <summary>The message with its <c>message_send_time</c> replaced by 0, for exact comparisons.</summary>
    public static string WithoutTime(this JsonElement message)
    {
        var text = message.GetRawText();
        if (!message.TryGetProperty("message_send_time", out var time))
        {
            return text;
        }
        Assert.InRange(time.GetInt64(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
        return text.Replace("\"message_send_time\":" + time.GetRawText(), "\"message_send_time\":0", StringComparison.Ordinal);
    }
}
