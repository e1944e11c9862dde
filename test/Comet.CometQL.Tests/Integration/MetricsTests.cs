using Comet.Core.Diagnostics;
using Comet.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.CometQL.Tests.Integration;

/// <summary>Each message and statement counts exactly once (a gateway of its own, so nothing else runs).</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task One_insert_counts_one_message_and_one_query()
    {
        await using var gateway = await TestGateway.StartAsync();
        var metrics = gateway.Services.GetRequiredService<CometMetrics>();
        await using var client = await CometQLBackend.OpenAsync(gateway, "901");
        var (pipes, personal, queries) = (metrics.PipeMessages, metrics.PersonalMessages, metrics.Queries);
        await client.ExecuteAsync("insert into pipes_messages (name, event, message) values ('web_count', 'e', 'm')");
        await client.ExecuteAsync("insert into users_messages (id, event, message) values (1, 'e', 'm'), (2, 'e', 'm')");
        Assert.Equal(1, metrics.PipeMessages - pipes);
        Assert.Equal(2, metrics.PersonalMessages - personal);
        Assert.Equal(2, metrics.Queries - queries);
        Assert.Equal(1, metrics.CometQLConnections);
    }
}
