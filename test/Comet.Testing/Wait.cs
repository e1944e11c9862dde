using Xunit;

namespace Comet.Testing;

/// <summary>
/// The one way tests wait for something that happens asynchronously: poll until it holds, within a
/// generous bound (the machine is shared: never assert how long it took), and fail with what was seen last.
/// </summary>
public static class Wait
{
    /// <summary>The bound when a test gives none.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    /// <summary>Reads until <paramref name="done"/> holds and returns the value that made it hold.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var bound = timeout ?? DefaultTimeout;
        var value = await ReadUntilAsync(read, done, bound);
        if (!done(value))
        {
            Assert.Fail($"Timed out after {bound.TotalSeconds:0.#} s waiting for {what}; last seen: {Describe(value)}");
        }
        return value;
    }

    /// <summary>Reads until <paramref name="done"/> holds or <paramref name="timeout"/> passed, and returns the
    /// last value either way: for a test that explains a failure itself (with logs, counts…).</summary>
    public static async Task<T> ReadUntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(done);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow >= deadline)
            {
                return value;
            }
            await Task.Delay(PollInterval);
        }
    }

    /// <inheritdoc cref="UntilAsync{T}(Func{Task{T}}, Func{T, bool}, string, TimeSpan?)"/>
    public static Task<T> UntilAsync<T>(Func<T> read, Func<T, bool> done, string what, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(read()), done, what, timeout);

    /// <summary>Waits until <paramref name="condition"/> holds.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(condition, held => held, what, timeout);

    /// <inheritdoc cref="UntilAsync(Func{Task{bool}}, string, TimeSpan?)"/>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), held => held, what, timeout);

    private static string Describe<T>(T value) => value switch
    {
        System.Collections.IEnumerable items and not string => "[" + string.Join(", ", items.Cast<object?>()) + "]",
        _ => value?.ToString() ?? "null",
    };
}
