using System.Net;
using Microsoft.Extensions.Options;

namespace Comet.CometQL.Limits;

/// <summary>
/// Failed logins per client address: after <see cref="CometQLOptions.MaxFailedLoginsPerAddress"/>
/// failures within <see cref="CometQLOptions.FailedLoginWindow"/>, the address is blocked until a
/// window has passed since its last failure. The table holds at most
/// <see cref="CometQLOptions.MaxTrackedAddresses"/> addresses: expired ones are swept when it is
/// full, and if it is still full a new address is not tracked (an attacker with that many addresses
/// is not slowed by a per-address limit anyway).
/// </summary>
internal sealed class FailedLoginTracker
{
    private readonly CometQLOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<IPAddress, Entry> _entries = [];

    public FailedLoginTracker(IOptions<CometQLOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
    }

    /// <summary>Addresses blocked right now.</summary>
    public int BlockedCount
    {
        get
        {
            var now = _time.GetUtcNow();
            lock (_entries)
            {
                return _entries.Values.Count(e => e.Failures >= _options.MaxFailedLoginsPerAddress && now < e.Expires);
            }
        }
    }

    public bool IsBlocked(IPAddress address)
    {
        var now = _time.GetUtcNow();
        lock (_entries)
        {
            return _entries.TryGetValue(address, out var entry)
                && entry.Failures >= _options.MaxFailedLoginsPerAddress
                && now < entry.Expires;
        }
    }

    /// <summary>Counts a failure; true when this one blocks the address.</summary>
    public bool Failed(IPAddress address)
    {
        var now = _time.GetUtcNow();
        lock (_entries)
        {
            if (!_entries.TryGetValue(address, out var entry) || now >= entry.Expires)
            {
                if (!_entries.ContainsKey(address) && _entries.Count >= _options.MaxTrackedAddresses && !SweepExpired(now))
                {
                    return false;
                }
                entry = default;
            }
            entry = new Entry(entry.Failures + 1, now + _options.FailedLoginWindow);
            _entries[address] = entry;
            return entry.Failures == _options.MaxFailedLoginsPerAddress;
        }
    }

    /// <summary>A successful login forgets the address's failures (as MySQL's host cache does).</summary>
    public void Succeeded(IPAddress address)
    {
        lock (_entries)
        {
            _entries.Remove(address);
        }
    }

    /// <summary>Removes expired entries; true when room was made.</summary>
    private bool SweepExpired(DateTimeOffset now)
    {
        var before = _entries.Count;
        foreach (var (address, entry) in _entries)
        {
            if (now >= entry.Expires)
            {
                _entries.Remove(address);
            }
        }
        return _entries.Count < before;
    }

    /// <summary>The failures in the current window and when the window (or the block) ends.</summary>
    private readonly record struct Entry(int Failures, DateTimeOffset Expires);
}
