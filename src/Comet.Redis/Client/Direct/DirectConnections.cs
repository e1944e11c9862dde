using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;

namespace Comet.Redis.Client.Direct;

/// <summary>What a direct connection needs to log in, from the same configuration as the library's.</summary>
internal sealed record DirectConnectionSettings(
    string? User, string? Password, int Database, string ClientName, TimeSpan CommandTimeout, TimeSpan ConnectTimeout);

/// <summary>
/// The engine's own connections, one per master, opened in the background on first use. A caller
/// that finds none ready (first use, a master just promoted, a connection that failed) goes through
/// the library meanwhile, so a missing connection never fails a command. When the topology changes,
/// every connection is retired: it serves what was sent on it (a durable write's WAIT must follow its
/// write on the same connection) and closes once idle, and new work opens fresh ones.
/// </summary>
internal sealed partial class DirectConnections(DirectConnectionSettings settings, ILogger logger) : IDisposable
{
    // A master that refuses connections is asked again at most this often.
    private static readonly TimeSpan RetryGap = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<EndPoint, DirectConnection> _ready = new();
    private readonly ConcurrentDictionary<EndPoint, long> _openingSince = new();
    private readonly ConcurrentDictionary<DirectConnection, byte> _retired = new();
    private volatile bool _disposed;

    /// <summary>The ready connection to <paramref name="master"/>, or null (then one is being opened).</summary>
    public DirectConnection? For(EndPoint master)
    {
        if (_ready.TryGetValue(master, out var connection) && !connection.IsFailed)
        {
            return connection;
        }
        StartOpening(master);
        return null;
    }

    /// <summary>The masters may have changed: new work gets new connections.</summary>
    public void RetireAll()
    {
        foreach (var (master, connection) in _ready)
        {
            Retire(master, connection);
        }
        CloseIdleRetired();
    }

    /// <summary>Closes retired connections nobody waits on any more (after each retirement, and every heartbeat).</summary>
    public void CloseIdleRetired()
    {
        foreach (var connection in _retired.Keys)
        {
            if (connection.Outstanding == 0)
            {
                _retired.TryRemove(connection, out _);
                connection.Dispose();
            }
        }
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var connection in _ready.Values.Concat(_retired.Keys))
        {
            connection.Dispose();
        }
        _ready.Clear();
        _retired.Clear();
    }

    /// <summary>Stops handing out <paramref name="connection"/> (if it is still the one for <paramref name="master"/>);
    /// it closes once nothing waits on it.</summary>
    private void Retire(EndPoint master, DirectConnection connection)
    {
        if (_ready.TryRemove(new KeyValuePair<EndPoint, DirectConnection>(master, connection)))
        {
            _retired[connection] = 0;
        }
    }

    private void StartOpening(EndPoint master)
    {
        var now = Environment.TickCount64;
        if (_disposed)
        {
            return;
        }
        if (_openingSince.TryGetValue(master, out var since))
        {
            if (now - since < RetryGap.TotalMilliseconds || !_openingSince.TryUpdate(master, now, since))
            {
                return;
            }
        }
        else if (!_openingSince.TryAdd(master, now))
        {
            return;
        }
        _ = OpenAsync(master);
    }

    private async Task OpenAsync(EndPoint master)
    {
        DirectConnection? connection = null;
        try
        {
            connection = await DirectConnection.OpenAsync(master, settings.CommandTimeout, settings.ConnectTimeout).ConfigureAwait(false);
            await LogInAsync(connection).ConfigureAwait(false);
            connection.Failed += OnFailed;
            if (_disposed || connection.IsFailed)
            {
                connection.Dispose();
                return;
            }
            if (_ready.TryGetValue(master, out var previous))
            {
                Retire(master, previous);
            }
            _ready[master] = connection;
            LogOpened(logger, master);
        }
        catch (Exception e)
        {
            connection?.Dispose();
            LogOpenFailed(logger, master, e.Message);
        }
    }

    private async Task LogInAsync(DirectConnection connection)
    {
        // Pipelined: one round trip. AUTH or SELECT refused fails the connection; a name is a courtesy
        // (a proxy may not know CLIENT SETNAME).
        var auth = settings.Password is null ? null
            : connection.CommandAsync(settings.User is null ? ["AUTH", settings.Password] : ["AUTH", settings.User, settings.Password]);
        var select = settings.Database == 0 ? null : connection.CommandAsync(["SELECT", settings.Database]);
        var name = connection.CommandAsync(["CLIENT", "SETNAME", settings.ClientName]);
        if (auth is not null)
        {
            await auth.ConfigureAwait(false);
        }
        if (select is not null)
        {
            await select.ConfigureAwait(false);
        }
        try
        {
            await name.ConfigureAwait(false);
        }
        catch (StackExchange.Redis.RedisServerException)
        {
        }
    }

    private void OnFailed(DirectConnection connection, Exception reason)
    {
        _retired.TryRemove(connection, out _);
        if (_ready.TryRemove(new KeyValuePair<EndPoint, DirectConnection>(connection.EndPoint, connection)) && !_disposed
            && reason is not ObjectDisposedException)
        {
            LogFailed(logger, connection.EndPoint, reason.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Direct Redis connection to {EndPoint} open")]
    private static partial void LogOpened(ILogger logger, EndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Direct Redis connection to {EndPoint} could not open (commands go through the library meanwhile): {Reason}")]
    private static partial void LogOpenFailed(ILogger logger, EndPoint endPoint, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Direct Redis connection to {EndPoint} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, EndPoint endPoint, string reason);
}
