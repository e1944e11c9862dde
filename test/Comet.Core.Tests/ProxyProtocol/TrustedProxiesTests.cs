using System.Net;
using Comet.Core.ProxyProtocol;
using Microsoft.Extensions.Options;

namespace Comet.Core.Tests.ProxyProtocol;

public sealed class TrustedProxiesTests
{
    [Fact]
    public void Addresses_and_ranges_are_trusted_and_ipv4_mapped_peers_match_their_ipv4_entry()
    {
        var trusted = Create("10.231.7.10", "192.168.0.0/16", "fd00::/8");

        Assert.True(trusted.Contains(IPAddress.Parse("10.231.7.10")));
        Assert.True(trusted.Contains(IPAddress.Parse("::ffff:10.231.7.10")));
        Assert.False(trusted.Contains(IPAddress.Parse("10.231.7.11")));
        Assert.True(trusted.Contains(IPAddress.Parse("192.168.200.1")));
        Assert.False(trusted.Contains(IPAddress.Parse("192.169.0.1")));
        Assert.True(trusted.Contains(IPAddress.Parse("fd12::1")));
        Assert.False(trusted.Contains(IPAddress.Parse("2001:db8::1")));
        Assert.Equal(ProxyProtocolPorts.CometQL | ProxyProtocolPorts.Http, trusted.Ports);
    }

    [Fact]
    public void With_no_trusted_proxy_no_port_reads_headers()
    {
        Assert.Equal(ProxyProtocolPorts.None, Create().Ports);
        Assert.False(Create().Contains(IPAddress.Loopback));
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.1/8")] // host bits set: a typo for a range or an address
    [InlineData("haproxy")]
    [InlineData("")]
    public void An_entry_that_is_not_an_address_or_range_stops_the_start_and_names_the_setting(string entry)
    {
        var options = new ProxyProtocolOptions();
        options.TrustedProxies.Add(entry);

        var exception = Assert.Throws<OptionsValidationException>(() => new TrustedProxies(Microsoft.Extensions.Options.Options.Create(options)));

        Assert.Contains("Comet:ProxyProtocol:TrustedProxies", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"'{entry}'", exception.Message, StringComparison.Ordinal);
    }

    private static TrustedProxies Create(params string[] entries)
    {
        var options = new ProxyProtocolOptions();
        options.TrustedProxies.AddRange(entries);
        return new TrustedProxies(Microsoft.Extensions.Options.Options.Create(options));
    }
}
