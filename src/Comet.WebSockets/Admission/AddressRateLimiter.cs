using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Comet.WebSockets.Admission;

/// <summary>
/// New connections per client address: a token bucket each (<c>limit</c> at once, refilled evenly over
/// <c>period</c>). IPv6 addresses share a bucket per /64, as one host usually owns a whole /64. The table
/// is bounded: when it is full, addresses whose bucket refilled are forgotten; when it is still full, an
/// unknown address is let through untracked (fail open: the per-node limit still bounds the node).
/// </summary>
internal sealed class AddressRateLimiter(int limit, TimeSpan period, int maxAddresses, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly double _tokensPerTick = limit / (double)period.Ticks;
    private long _lastSweep;

    /// <summary>Addresses tracked now (at most <c>maxAddresses</c>).</summary>
    public int TrackedAddresses
    {
        get
        {
            lock (_lock)
            {
                return _buckets.Count;
            }
        }
    }

    /// <summary>Takes one connection from the address's budget.</summary>
    /// <param name="address">The client address (as resolved, X-Forwarded-For included).</param>
    /// <param name="retryAfter">When refused, how long until the address may connect again.</param>
    /// <returns>True when the address may connect now.</returns>
    public bool TryAcquire(string address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (limit == 0)
        {
            return true;
        }
        var key = Key(address);
        var now = time.GetUtcNow().UtcTicks;
        lock (_lock)
        {
            if (!_buckets.ContainsKey(key) && _buckets.Count >= maxAddresses && !SweepLocked(now))
            {
                return true;
            }
            ref var bucket = ref CollectionsMarshal.GetValueRefOrAddDefault(_buckets, key, out var exists);
            var tokens = exists ? Math.Min(limit, bucket.Tokens + ((now - bucket.UpdatedTicks) * _tokensPerTick)) : limit;
            bucket.UpdatedTicks = now;
            if (tokens < 1)
            {
                bucket.Tokens = tokens;
                retryAfter = TimeSpan.FromTicks((long)Math.Ceiling((1 - tokens) / _tokensPerTick));
                return false;
            }
            bucket.Tokens = tokens - 1;
            return true;
        }
    }

    /// <summary>Forgets addresses whose bucket is full again; at most once per period, so that a full
    /// table of busy addresses does not make every new connection scan it.</summary>
    /// <returns>True when there is room now.</returns>
    private bool SweepLocked(long now)
    {
        if (now - _lastSweep < period.Ticks)
        {
            return false;
        }
        _lastSweep = now;
        foreach (var (key, bucket) in _buckets)
        {
            if (bucket.Tokens + ((now - bucket.UpdatedTicks) * _tokensPerTick) >= limit)
            {
                _buckets.Remove(key);
            }
        }
        return _buckets.Count < maxAddresses;
    }

    /// <summary>The bucket key: the IPv4 address, the /64 of an IPv6 address, or the text as given.</summary>
    internal static string Key(string address)
    {
        if (!IPAddress.TryParse(address, out var ip))
        {
            return address;
        }
        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }
        if (ip.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return ip.ToString();
        }
        Span<byte> bytes = stackalloc byte[16];
        ip.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    private struct Bucket
    {
        public double Tokens;
        public long UpdatedTicks;
    }
}
