using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Comet.Redis.Node;

/// <summary>
/// Runs each user's connect, disconnect and message-taking work one at a time, in arrival order, so
/// that one user's personal messages reach this node's connections in order. Users are spread over a
/// fixed number of lanes; the work of different users in one lane also runs one at a time.
/// </summary>
internal sealed class UserLanes : IAsyncDisposable
{
    private readonly Channel<Func<Task>>[] _lanes;
    private readonly Task[] _workers;
    private readonly ConcurrentDictionary<(int DevId, long UserId), byte> _pendingTakes = new();
    private readonly Action<Exception> _onError;

    public UserLanes(int laneCount, Action<Exception> onError)
    {
        _onError = onError;
        _lanes = new Channel<Func<Task>>[laneCount];
        _workers = new Task[laneCount];
        for (var i = 0; i < laneCount; i++)
        {
            // Unbounded, but bounded in practice: at most one take per local user is pending (see
            // RequestTake) plus one connect/disconnect per connection.
            _lanes[i] = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
            var reader = _lanes[i].Reader;
            _workers[i] = Task.Run(() => RunAsync(reader));
        }
    }

    /// <summary>Runs <paramref name="work"/> in the user's lane and returns its result.</summary>
    public Task<T> RunAsync<T>(int devId, long userId, Func<Task<T>> work)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = Lane(devId, userId).Writer.TryWrite(async () =>
        {
            try
            {
                completion.TrySetResult(await work().ConfigureAwait(false));
            }
            catch (Exception e)
            {
                completion.TrySetException(e);
            }
        });
        if (!queued)
        {
            completion.TrySetException(new ObjectDisposedException(nameof(UserLanes)));
        }
        return completion.Task;
    }

    /// <summary>Runs <paramref name="work"/> in the user's lane.</summary>
    public Task RunAsync(int devId, long userId, Func<Task> work) =>
        RunAsync(devId, userId, async () =>
        {
            await work().ConfigureAwait(false);
            return true;
        });

    /// <summary>Asks for one take of the user's new personal messages; requests that arrive while one
    /// is waiting merge into it.</summary>
    public void RequestTake(int devId, long userId, Func<int, long, Task> take)
    {
        var key = (devId, userId);
        if (!_pendingTakes.TryAdd(key, 0))
        {
            return;
        }
        Lane(devId, userId).Writer.TryWrite(async () =>
        {
            // Cleared before the take so that a wake-up arriving during it schedules another one.
            _pendingTakes.TryRemove(key, out _);
            try
            {
                await take(devId, userId).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _onError(e);
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var lane in _lanes)
        {
            lane.Writer.TryComplete();
        }
        await Task.WhenAll(_workers).ConfigureAwait(false);
    }

    private Channel<Func<Task>> Lane(int devId, long userId) =>
        _lanes[(int)((uint)HashCode.Combine(devId, userId) % (uint)_lanes.Length)];

    private async Task RunAsync(ChannelReader<Func<Task>> reader)
    {
        await foreach (var work in reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _onError(e);
            }
        }
    }
}
