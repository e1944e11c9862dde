using Comet.Testing.Conformance;
using Comet.WebSockets.Admission;

namespace Comet.WebSockets.Tests.Unit;

public sealed class AddressRateLimiterTests
{
    [Fact]
    public void A_bucket_allows_the_limit_at_once_then_refills_evenly_over_the_period()
    {
        var time = new ManualTimeProvider();
        var limiter = new AddressRateLimiter(limit: 2, TimeSpan.FromSeconds(10), maxAddresses: 100, time);

        Assert.True(limiter.TryAcquire("192.0.2.1", out _));
        Assert.True(limiter.TryAcquire("192.0.2.1", out _));
        Assert.False(limiter.TryAcquire("192.0.2.1", out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(5), retryAfter);

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(limiter.TryAcquire("192.0.2.1", out _));
        Assert.False(limiter.TryAcquire("192.0.2.1", out _));
    }

    [Fact]
    public void The_table_is_bounded_idle_addresses_are_forgotten_and_beyond_it_new_addresses_pass_untracked()
    {
        var time = new ManualTimeProvider();
        var limiter = new AddressRateLimiter(limit: 1, TimeSpan.FromSeconds(1), maxAddresses: 2, time);
        Assert.True(limiter.TryAcquire("192.0.2.1", out _));
        Assert.True(limiter.TryAcquire("192.0.2.2", out _));

        // Full of busy addresses: a third one is let through without being remembered.
        Assert.True(limiter.TryAcquire("192.0.2.3", out _));
        Assert.True(limiter.TryAcquire("192.0.2.3", out _));
        Assert.Equal(2, limiter.TrackedAddresses);

        // Once the first two are idle again they are forgotten and the new one is tracked.
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAcquire("192.0.2.3", out _));
        Assert.Equal(1, limiter.TrackedAddresses);
        Assert.False(limiter.TryAcquire("192.0.2.3", out _));
    }

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff")]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1")]
    public void Addresses_of_one_host_share_a_key(string a, string b) =>
        Assert.Equal(AddressRateLimiter.Key(a), AddressRateLimiter.Key(b));

    [Fact]
    public void Different_ipv6_networks_and_ipv4_hosts_have_their_own_keys()
    {
        Assert.NotEqual(AddressRateLimiter.Key("2001:db8:1:2::1"), AddressRateLimiter.Key("2001:db8:1:3::1"));
        Assert.NotEqual(AddressRateLimiter.Key("192.0.2.1"), AddressRateLimiter.Key("192.0.2.2"));
    }
}
