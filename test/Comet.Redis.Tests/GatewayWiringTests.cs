using Comet.Core.Engine;
using Comet.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Comet.Redis.Tests;

/// <summary>The gateway chooses the Redis engine from configuration and refuses bad Redis settings at start.</summary>
public sealed class GatewayWiringTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Setting_the_redis_configuration_runs_the_gateway_on_the_redis_engine()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:Redis:Configuration"] = redis.Server.Configuration,
            ["Comet:Redis:Prefix"] = RedisFixture.NewPrefix(),
        });

        var engine = gateway.Services.GetRequiredService<ICometEngine>();
        Assert.IsType<RedisEngine>(engine);
        Assert.True(engine.IsReady);
        using var http = new HttpClient();
        Assert.Equal("ready", await http.GetStringAsync(new Uri(gateway.HttpUri, "/health/ready")));
    }

    [Fact]
    public async Task A_bad_prefix_stops_the_gateway_at_start_with_a_message_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:Redis:Configuration"] = redis.Server.Configuration,
            ["Comet:Redis:Prefix"] = "has spaces{and braces}",
        }));

        Assert.Contains("Comet:Redis:Prefix", error.Message, StringComparison.Ordinal);
    }
}
