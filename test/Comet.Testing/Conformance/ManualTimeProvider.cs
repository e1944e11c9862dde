namespace Comet.Testing.Conformance;

/// <summary>
/// A clock that tests move forward by hand: it starts at the real time (so a storage server's own
/// clock agrees with it) and then only moves by <see cref="Advance"/>. Timers still run on real time.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private long _utcTicks = DateTimeOffset.UtcNow.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    /// <summary>Unix seconds now, as the engines write users_time and message times.</summary>
    public long UnixSeconds => GetUtcNow().ToUnixTimeSeconds();

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _utcTicks, by.Ticks);
    }
}
