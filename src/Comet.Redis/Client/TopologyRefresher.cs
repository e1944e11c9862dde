using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Comet.Redis.Client;

/// <summary>
/// Asks the library to read the topology again (which node is master of which slots) when an error
/// says its view is stale: at most one refresh at a time and one per <see cref="MinimumGap"/>, so that
/// a burst of failures during a failover costs one refresh, not thousands. A hung master is only left
/// this way: nothing it says moves the client, and the library keeps routing to it until a refresh
/// sees its replica promoted.
/// </summary>
internal sealed partial class TopologyRefresher(Func<ConnectionMultiplexer> multiplexer, ILogger logger)
{
    private static readonly TimeSpan MinimumGap = TimeSpan.FromMilliseconds(500);

    private long _lastStartedTicks;
    private int _running;

    public void Request()
    {
        var now = DateTime.UtcNow.Ticks;
        if (now - Interlocked.Read(ref _lastStartedTicks) < MinimumGap.Ticks || Interlocked.Exchange(ref _running, 1) == 1)
        {
            return;
        }
        Interlocked.Exchange(ref _lastStartedTicks, now);
        _ = RefreshAsync();
    }

    private async Task RefreshAsync()
    {
        try
        {
            await multiplexer().ConfigureAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogRefreshFailed(logger, e);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Redis topology refresh failed")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
