using Comet.Core.Descriptors;
using Comet.WebSockets.Admission;

namespace Comet.WebSockets.Tests.Unit;

/// <summary>The default Comet:WebSocket:MaxConnections: the descriptors WebSockets share with CometQL (a real process:
/// Comet.Gateway.Tests DescriptorLimitTests).</summary>
public sealed class ConnectionCapacityTests
{
    [Theory]
    [InlineData(20_000)]    // these machines (and many CI runners)
    [InlineData(1_048_576)] // a container's usual limit
    public void The_defaults_are_quiet_and_take_the_whole_pool_on_a_20000_file_machine_and_in_a_1M_file_container(long descriptorLimit)
    {
        var pool = new DescriptorPool(descriptorLimit);
        var capacity = ConnectionCapacity.Resolve(configured: null, pool.Size);
        Assert.Equal(descriptorLimit - DescriptorPool.ProcessDescriptors, capacity.MaxConnections);
        Assert.Equal("open-file limit", capacity.Source);
        Assert.False(capacity.ExceedsDescriptors);
    }

    [Fact]
    public void The_default_configuration_holds_19500_connections_on_a_20000_file_machine() =>
        Assert.True(ConnectionCapacity.Resolve(null, new DescriptorPool(20_000).Size).MaxConnections >= 19_500);

    [Fact]
    public void A_configured_value_wins_and_is_flagged_when_the_descriptors_do_not_allow_it()
    {
        var size = new DescriptorPool(20_000).Size;
        var larger = ConnectionCapacity.Resolve(configured: 50_000, size);
        Assert.Equal(50_000, larger.MaxConnections);
        Assert.True(larger.ExceedsDescriptors);
        var smaller = ConnectionCapacity.Resolve(configured: 1_000, size);
        Assert.Equal(1_000, smaller.MaxConnections);
        Assert.Equal("configured", smaller.Source);
        Assert.False(smaller.ExceedsDescriptors);
    }

    [Fact]
    public void Without_a_known_limit_it_is_the_configured_value_or_50000()
    {
        Assert.Equal(ConnectionCapacity.FallbackMaxConnections, ConnectionCapacity.Resolve(null, poolSize: null).MaxConnections);
        Assert.Equal(7, ConnectionCapacity.Resolve(7, poolSize: null).MaxConnections);
        Assert.False(ConnectionCapacity.Resolve(70_000, poolSize: null).ExceedsDescriptors);
    }

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
