using System.Net;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Comet.Redis.Client;

/// <summary>
/// A connection to a Sentinel set's sentinels: which server is the service's master now, and a signal
/// when they switch it (<c>+switch-master</c>). The client pins its data connection to that master.
/// </summary>
internal sealed partial class SentinelWatch : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _sentinels;
    private readonly string _service;
    private readonly ILogger _logger;

    private SentinelWatch(ConnectionMultiplexer sentinels, string service, ILogger logger)
    {
        _sentinels = sentinels;
        _service = service;
        _logger = logger;
    }

    /// <summary>Raised when a sentinel announces a new master for any service (the client then asks again).</summary>
    public event Action? MasterSwitched;

    /// <summary>Connects to the sentinels of <paramref name="data"/> (its endpoints, with its user, password and TLS).</summary>
    public static async Task<SentinelWatch> ConnectAsync(ConfigurationOptions data, ILogger logger)
    {
        var options = new ConfigurationOptions
        {
            CommandMap = CommandMap.Sentinel,
            AbortOnConnectFail = false,
            TieBreaker = "",
            User = data.User,
            Password = data.Password,
            Ssl = data.Ssl,
            ConnectTimeout = data.ConnectTimeout,
            SyncTimeout = data.SyncTimeout,
            AsyncTimeout = data.AsyncTimeout,
            ClientName = data.ClientName,
        };
        foreach (var endpoint in data.EndPoints)
        {
            options.EndPoints.Add(endpoint);
        }
        var sentinels = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        var watch = new SentinelWatch(sentinels, data.ServiceName!, logger);
        await sentinels.GetSubscriber().SubscribeAsync(RedisChannel.Literal("+switch-master"), (_, _) => watch.MasterSwitched?.Invoke()).ConfigureAwait(false);
        return watch;
    }

    /// <summary>The master the first answering sentinel names, or null when none answers.</summary>
    public async Task<EndPoint?> MasterAsync()
    {
        foreach (var server in _sentinels.GetServers())
        {
            if (!server.IsConnected)
            {
                continue;
            }
            try
            {
                if (await server.SentinelGetMasterAddressByNameAsync(_service).ConfigureAwait(false) is { } master)
                {
                    return master;
                }
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                LogSentinelFailed(_logger, e, server.EndPoint);
            }
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _sentinels.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
        await _sentinels.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sentinel {EndPoint} did not name the master")]
    private static partial void LogSentinelFailed(ILogger logger, Exception exception, EndPoint endPoint);
}
