using System.Diagnostics.Metrics;
using Comet.Core.Descriptors;
using Comet.WebSockets.Admission;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Comet.WebSockets.Tests.Unit;

/// <summary>WebSocket admission with the descriptors it shares with CometQL connections (end to end:
/// Comet.Gateway.Tests DescriptorLimitTests).</summary>
public sealed class WebSocketAdmissionTests
{
    [Fact]
    public void Unset_MaxConnections_admits_what_CometQL_leaves_of_the_pool_and_gives_descriptors_back()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var pool = new DescriptorPool(DescriptorPool.ProcessDescriptors + 3);
        var admission = Admission(new CometWebSocketOptions(), pool, services);
        Assert.Equal(3, admission.Capacity.MaxConnections);
        // A CometQL connection holds one.
        Assert.True(pool.TryTake());

        Assert.True(admission.TryAdmit("192.0.2.1", out _));
        Assert.True(admission.TryAdmit("192.0.2.1", out _));
        Assert.False(admission.TryAdmit("192.0.2.1", out var refusal));
        Assert.Equal(503, refusal.StatusCode);
        Assert.Equal("descriptor_limit", refusal.Reason);
        Assert.Equal(2, admission.OpenConnections);

        // The CometQL connection closes: a WebSocket takes its descriptor.
        pool.Return();
        Assert.True(admission.TryAdmit("192.0.2.1", out _));
        admission.Release();
        Assert.Equal(2, pool.Taken);
    }

    [Fact]
    public void A_configured_MaxConnections_wins_and_leaves_the_rest_of_the_pool_to_CometQL()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var pool = new DescriptorPool(DescriptorPool.ProcessDescriptors + 3);
        var admission = Admission(new CometWebSocketOptions { MaxConnections = 1 }, pool, services);
        Assert.True(admission.TryAdmit("192.0.2.1", out _));
        Assert.False(admission.TryAdmit("192.0.2.1", out var refusal));
        Assert.Equal("node_full", refusal.Reason);
        Assert.Equal(1, pool.Taken);
    }

    [Fact]
    public void An_upgrade_refused_for_its_address_rate_gives_its_descriptor_back()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var pool = new DescriptorPool(DescriptorPool.ProcessDescriptors + 3);
        var admission = Admission(new CometWebSocketOptions { NewConnectionsPerIp = 1 }, pool, services);
        Assert.True(admission.TryAdmit("192.0.2.1", out _));
        Assert.False(admission.TryAdmit("192.0.2.1", out var refusal));
        Assert.Equal("address_rate", refusal.Reason);
        Assert.Equal(1, pool.Taken);
        Assert.Equal(1, admission.OpenConnections);
    }

    private static WebSocketAdmission Admission(CometWebSocketOptions options, DescriptorPool pool, ServiceProvider services) =>
        new(Options.Create(options), TimeProvider.System, new WebSocketLimitMetrics(services.GetRequiredService<IMeterFactory>()), pool,
            NullLogger<WebSocketAdmission>.Instance);
}
