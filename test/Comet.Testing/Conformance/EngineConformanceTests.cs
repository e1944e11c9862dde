using Comet.Core.Engine;
using Comet.Core.Options;
using Xunit;

namespace Comet.Testing.Conformance;

/// <summary>
/// The behaviour every <see cref="ICometEngine"/> must show, whichever storage it uses. A test project
/// derives one class from this and says how to build its engine; the tests are in the partial files
/// next to this one, one area each.
/// </summary>
/// <remarks>
/// Written for engines that deliver asynchronously: the tests wait (up to <see cref="DeliveryTimeout"/>)
/// for what must arrive, and watch for <see cref="QuietPeriod"/> before saying that something did
/// not arrive twice. Every test uses its own dev_id, so engines may share one storage server.
/// </remarks>
public abstract partial class EngineConformanceTests : IAsyncLifetime
{
    private static int s_nextDevId = Random.Shared.Next(1_000, DevIds.Limit / 2);
    private static long s_nextConnection;
    private readonly List<ICometEngine> _engines = [];

    /// <summary>Builds a new, not yet started engine with these limits, reading time from <paramref name="time"/>.</summary>
    protected abstract Task<ICometEngine> CreateEngineAsync(LimitsOptions limits, TimeProvider time);

    /// <summary>How long a delivery or a state change may take to show.</summary>
    protected virtual TimeSpan DeliveryTimeout => TimeSpan.FromSeconds(5);

    /// <summary>How long to watch for a duplicate that must not come.</summary>
    protected virtual TimeSpan QuietPeriod => TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Lets time pass for expiry tests. The default moves the manual clock only; an engine whose
    /// storage expires entries on its own clock may override this to also wait for real.
    /// </summary>
    protected virtual Task AdvanceTimeAsync(ManualTimeProvider clock, TimeSpan by)
    {
        ArgumentNullException.ThrowIfNull(clock);
        clock.Advance(by);
        return Task.CompletedTask;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var engine in _engines)
        {
            await engine.StopAsync(CancellationToken.None);
            switch (engine)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    /// <summary>Builds and starts an engine on a fresh dev_id.</summary>
    protected async Task<EngineUnderTest> StartEngineAsync(Action<LimitsOptions>? configure = null)
    {
        var limits = new LimitsOptions();
        configure?.Invoke(limits);
        var clock = new ManualTimeProvider();
        var engine = await CreateEngineAsync(limits, clock);
        _engines.Add(engine);
        var node = new RecordingNode();
        await engine.StartAsync(node, CancellationToken.None);
        return new EngineUnderTest(new NodeReportingEngine(engine, node), node, clock, NewDevId());
    }

    /// <summary>A dev_id no other test in this process uses.</summary>
    protected static int NewDevId() => Interlocked.Increment(ref s_nextDevId);

    /// <summary>A pipe name no other test uses (a prefix such as <c>trust_</c> keeps its meaning).</summary>
    protected static string NewPipe(string prefix = "web_") => prefix + Guid.NewGuid().ToString("N")[..20];

    /// <summary>A connection of <paramref name="userId"/> (0: anonymous) with a unique id.</summary>
    protected static ClientRecord NewConnection(int devId, long userId, string uuid = "uuid-1", string? credential = null) =>
        new(devId, $"test-node:{Interlocked.Increment(ref s_nextConnection)}", userId, uuid, "xunit", "127.0.0.1",
            "http://localhost", "en", credential);

    /// <summary>Connects the way the node does: listening to the user's personal messages and close
    /// requests first (an engine hands a node only what it listens to). The listening lasts until the
    /// engine stops.</summary>
    protected static async Task<ConnectResult> ConnectAsync(ICometEngine engine, ClientRecord connection)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.UserId > 0)
        {
            _ = await engine.Bus.ListenToUserAsync(connection.DevId, connection.UserId);
        }
        return await engine.Presence.ConnectAsync(connection);
    }

    /// <summary>Reads until <paramref name="done"/> holds or <see cref="DeliveryTimeout"/> passes; fails with the last value.</summary>
    protected Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what) =>
        Wait.UntilAsync(read, done, what, DeliveryTimeout);

    /// <summary><see cref="EventuallyAsync{T}(Func{Task{T}}, Func{T, bool}, string)"/> for a synchronous read.</summary>
    protected Task<T> EventuallyAsync<T>(Func<T> read, Func<T, bool> done, string what) =>
        EventuallyAsync(() => Task.FromResult(read()), done, what);

    /// <summary>Waits out <see cref="QuietPeriod"/> so that a late duplicate would show.</summary>
    protected Task QuietAsync() => QuietPeriod <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(QuietPeriod);
}

/// <summary>A started engine, the node it delivers to, the clock it reads and the dev_id the test uses.</summary>
public sealed record EngineUnderTest(ICometEngine Engine, RecordingNode Node, ManualTimeProvider Clock, int DevId);
