using Comet.CometQL;
using Comet.WebSockets.Admission;

namespace Comet.WebSockets.Tests.Unit;

/// <summary>The default Comet:WebSocket:MaxConnections derived from the open-file limit (a real process: Comet.Gateway.Tests DescriptorLimitTests).</summary>
public sealed class ConnectionCapacityTests
{
    [Fact]
    public void Unset_it_is_the_open_file_limit_less_the_process_reserve_and_the_CometQL_connections()
    {
        var capacity = ConnectionCapacity.Resolve(configured: null, cometQLMaxConnections: 256, descriptorLimit: 20_000);
        Assert.Equal(20_000 - ConnectionCapacity.ProcessDescriptors - 256, capacity.MaxConnections);
        Assert.False(capacity.ExceedsDescriptors);
        Assert.False(capacity.CometQLSqueezed);
    }

    [Fact]
    public void A_CometQL_maximum_larger_than_half_leaves_WebSockets_half_and_says_so()
    {
        var capacity = ConnectionCapacity.Resolve(configured: null, cometQLMaxConnections: 10_000, descriptorLimit: 20_000);
        Assert.Equal((20_000 - ConnectionCapacity.ProcessDescriptors) / 2, capacity.MaxConnections);
        Assert.True(capacity.CometQLSqueezed);
    }

    [Fact]
    public void A_configured_value_wins_and_is_flagged_when_the_descriptors_do_not_allow_it()
    {
        var larger = ConnectionCapacity.Resolve(configured: 50_000, cometQLMaxConnections: 100, descriptorLimit: 20_000);
        Assert.Equal(50_000, larger.MaxConnections);
        Assert.True(larger.ExceedsDescriptors);
        var smaller = ConnectionCapacity.Resolve(configured: 1_000, cometQLMaxConnections: 100, descriptorLimit: 20_000);
        Assert.Equal(1_000, smaller.MaxConnections);
        Assert.False(smaller.ExceedsDescriptors);
    }

    [Fact]
    public void Without_a_known_limit_it_is_the_configured_value_or_50000()
    {
        Assert.Equal(ConnectionCapacity.FallbackMaxConnections, ConnectionCapacity.Resolve(null, 10_000, descriptorLimit: null).MaxConnections);
        Assert.Equal(7, ConnectionCapacity.Resolve(7, 10_000, descriptorLimit: null).MaxConnections);
        Assert.False(ConnectionCapacity.Resolve(70_000, 10_000, descriptorLimit: null).ExceedsDescriptors);
    }

    [Theory]
    [InlineData(20_000)]    // these machines (and many CI runners)
    [InlineData(1_048_576)] // a container's usual limit
    public void The_defaults_are_quiet_on_a_20000_file_machine_and_in_a_1M_file_container(long descriptorLimit)
    {
        var capacity = ConnectionCapacity.Resolve(configured: null, new CometQLOptions().MaxConnections, descriptorLimit);
        Assert.False(capacity.CometQLSqueezed);
        Assert.False(capacity.ExceedsDescriptors);
        Assert.Equal(descriptorLimit - ConnectionCapacity.ProcessDescriptors - new CometQLOptions().MaxConnections, capacity.MaxConnections);
    }

    [Fact]
    public void The_reserve_for_CometQL_uses_the_CometQL_default() =>
        Assert.Equal(ConnectionCapacity.CometQLMaxConnectionsDefault, new CometQLOptions().MaxConnections);

    [Fact]
    public void This_process_reads_its_open_file_limit_on_Linux()
    {
        Assert.True(OperatingSystem.IsLinux(), "the gateway's tests run on Linux");
        var limit = DescriptorLimit.SoftLimit();
        Assert.NotNull(limit);
        // The same number the kernel shows for this process.
        var line = File.ReadLines("/proc/self/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        Assert.Equal(soft, limit.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
