using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Comet.Redis.Client;

/// <summary>
/// A connection to a Sentinel set's sentinels: which server is the service's master now, a signal when
/// a failover of the service starts (<c>+try-failover</c>, announced only by the sentinel that leads
/// it, so every sentinel is listened to) and one when they switch the master (<c>+switch-master</c>).
/// The client pins its data connection to that master.
/// </summary>
internal sealed partial class SentinelWatch : IAsyncDisposable
{
    private static readonly RedisChannel TryFailover = RedisChannel.Literal("+try-failover");
    private static readonly RedisChannel SwitchMaster = RedisChannel.Literal("+switch-master");

    private readonly ConnectionMultiplexer _sentinels;
    private readonly List<ConnectionMultiplexer> _listeners = [];
    private readonly string _service;
    private readonly ILogger _logger;

    private SentinelWatch(ConnectionMultiplexer sentinels, string service, ILogger logger)
    {
        _sentinels = sentinels;
        _service = service;
        _logger = logger;
    }

    /// <summary>Raised when a sentinel starts a failover of the service: its master is about to be
    /// replaced, and what it takes from then on may be thrown away when it resyncs.</summary>
    public event Action? FailoverStarted;

    /// <summary>Raised when a sentinel announces a new master for the service, with its address.</summary>
    public event Action<EndPoint>? MasterSwitched;

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
        // One listener per sentinel: a subscription on the shared multiplexer reaches only one of them.
        foreach (var endpoint in data.EndPoints)
        {
            var one = options.Clone();
            one.EndPoints.Clear();
            one.EndPoints.Add(endpoint);
            var listener = await ConnectionMultiplexer.ConnectAsync(one).ConfigureAwait(false);
            watch._listeners.Add(listener);
            var subscriber = listener.GetSubscriber();
            try
            {
                await subscriber.SubscribeAsync(TryFailover, (_, message) => watch.OnTryFailover(message)).ConfigureAwait(false);
                await subscriber.SubscribeAsync(SwitchMaster, (_, message) => watch.OnSwitchMaster(message)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // A sentinel that is down or slow must not stop the start: the library subscribes again
                // when it reconnects, and the heartbeat asks the sentinels meanwhile.
                LogListenFailed(logger, e, endpoint);
            }
        }
        return watch;
    }

    /// <summary><c>+switch-master</c>'s payload is "&lt;name&gt; &lt;old ip&gt; &lt;old port&gt; &lt;new ip&gt; &lt;new
    /// port&gt;": the sentinel that says it has the new configuration, while the others may still name
    /// the old master for a second or two, so the client follows this address rather than asking.</summary>
    private void OnSwitchMaster(RedisValue message)
    {
        var parts = ((string?)message ?? "").Split(' ');
        if (parts.Length >= 5 && parts[0] == _service &&
            int.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            MasterSwitched?.Invoke(EndPointOf(parts[3], port));
        }
    }

    /// <summary><c>+try-failover</c>'s payload is "master &lt;name&gt; &lt;ip&gt; &lt;port&gt;".</summary>
    private void OnTryFailover(RedisValue message)
    {
        var parts = ((string?)message ?? "").Split(' ');
        if (parts.Length >= 2 && parts[1] == _service)
        {
            LogFailoverStarted(_logger, _service);
            FailoverStarted?.Invoke();
        }
    }

    /// <summary>The master named by the sentinel with the newest configuration (the highest config epoch:
    /// the others may name the old master for a second or two after a failover), or null when none answers.</summary>
    public async Task<EndPoint?> MasterAsync()
    {
        EndPoint? newest = null;
        var newestEpoch = long.MinValue;
        foreach (var server in _sentinels.GetServers())
        {
            if (!server.IsConnected)
            {
                continue;
            }
            try
            {
                var fields = (await server.SentinelMasterAsync(_service).ConfigureAwait(false)).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
                if (fields.TryGetValue("ip", out var ip) && fields.TryGetValue("port", out var portText) &&
                    int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) &&
                    long.TryParse(fields.GetValueOrDefault("config-epoch", "0"), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) &&
                    epoch > newestEpoch)
                {
                    (newest, newestEpoch) = (EndPointOf(ip, port), epoch);
                }
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                LogSentinelFailed(_logger, e, server.EndPoint);
            }
        }
        return newest;
    }

    private static EndPoint EndPointOf(string host, int port) =>
        IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port);

    public async ValueTask DisposeAsync()
    {
        foreach (var multiplexer in _listeners.Append(_sentinels))
        {
            await multiplexer.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            await multiplexer.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A sentinel started a failover of {Service}; durable writes are refused until the client follows the new master")]
    private static partial void LogFailoverStarted(ILogger logger, string service);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not listen to sentinel {EndPoint} yet; the heartbeat asks the sentinels meanwhile")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, EndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sentinel {EndPoint} did not name the master")]
    private static partial void LogSentinelFailed(ILogger logger, Exception exception, EndPoint endPoint);
}
