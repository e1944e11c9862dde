using System.Net;
using Comet.CometQL.Limits;
using Comet.Core.Descriptors;
using Microsoft.Extensions.Options;

namespace Comet.CometQL.Tests.Unit;

/// <summary>CometQL admission with the descriptors it shares with WebSocket connections (end to end:
/// Comet.Gateway.Tests DescriptorLimitTests).</summary>
public sealed class ConnectionLimiterTests
{
    private static readonly IPAddress Backend = IPAddress.Parse("192.0.2.7");

    [Fact]
    public void A_connection_takes_a_descriptor_from_the_shared_pool_and_is_refused_when_WebSockets_hold_the_rest()
    {
        var pool = new DescriptorPool(DescriptorPool.ProcessDescriptors + 3);
        var limiter = Limiter(new CometQLOptions(), pool);
        // WebSockets hold two of the three.
        Assert.True(pool.TryTake());
        Assert.True(pool.TryTake());

        Assert.Equal(Admission.Accepted, limiter.TryAdmit(Backend));
        Assert.Equal(Admission.DescriptorsTaken, limiter.TryAdmit(Backend));
        Assert.Equal(1, limiter.Open);

        // A WebSocket closes: its descriptor is CometQL's to take.
        pool.Return();
        Assert.Equal(Admission.Accepted, limiter.TryAdmit(Backend));
        limiter.Release(Backend);
        limiter.Release(Backend);
        Assert.Equal(1, pool.Taken);
        Assert.Equal(0, limiter.Open);
    }

    [Fact]
    public void A_connection_refused_for_its_own_limits_takes_no_descriptor()
    {
        var pool = new DescriptorPool(DescriptorPool.ProcessDescriptors + 10);
        var limiter = Limiter(new CometQLOptions { MaxConnections = 3, MaxConnectionsPerAddress = 1 }, pool);
        Assert.Equal(Admission.Accepted, limiter.TryAdmit(Backend));
        Assert.Equal(Admission.AddressFull, limiter.TryAdmit(Backend));
        Assert.Equal(Admission.Accepted, limiter.TryAdmit(IPAddress.Parse("192.0.2.8")));
        Assert.Equal(Admission.Accepted, limiter.TryAdmit(IPAddress.Parse("192.0.2.9")));
        Assert.Equal(Admission.NodeFull, limiter.TryAdmit(IPAddress.Parse("192.0.2.10")));
        Assert.Equal(3, pool.Taken);
    }

    private static ConnectionLimiter Limiter(CometQLOptions options, DescriptorPool pool) =>
        new(Options.Create(options), new FailedLoginTracker(Options.Create(options), TimeProvider.System), pool);
}
