using System.Globalization;
using Comet.Core.Descriptors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Comet.WebSockets.Admission;

/// <summary>
/// Decides, before the upgrade, whether this node takes a new WebSocket connection: not while it
/// drains, not beyond <c>MaxConnections</c> (<see cref="ConnectionCapacity"/>), not when the descriptors it shares
/// with CometQL are taken (<see cref="DescriptorPool"/>), not faster than <c>NewConnectionsPerIp</c> per address.
/// A refusal is an ordinary HTTP answer (503 or 429 with Retry-After), so it costs no WebSocket.
/// </summary>
internal sealed partial class WebSocketAdmission
{
    /// <summary>Client addresses the per-address limit remembers at most.</summary>
    internal const int MaxTrackedAddresses = 100_000;

    private const int DrainingRetryAfterSeconds = 2;
    private const int NodeFullRetryAfterSeconds = 5;

    private readonly int _maxConnections;
    private readonly DescriptorPool _descriptors;
    private readonly AddressRateLimiter _addresses;
    private readonly WebSocketLimitMetrics _metrics;
    private readonly string _addressRateMessage;
    private readonly string _nodeFullMessage;
    private int _open;
    private volatile bool _draining;

    public WebSocketAdmission(IOptions<CometWebSocketOptions> options, TimeProvider time, WebSocketLimitMetrics metrics,
        DescriptorPool descriptors, ILogger<WebSocketAdmission> logger)
    {
        var value = options.Value;
        Capacity = ConnectionCapacity.Resolve(value.MaxConnections, descriptors.Size);
        _maxConnections = Capacity.MaxConnections;
        _descriptors = descriptors;
        LogCapacity(logger, Capacity, descriptors.OpenFileLimit);
        _addresses = new AddressRateLimiter(value.NewConnectionsPerIp, value.NewConnectionsPerIpPeriod, MaxTrackedAddresses, time);
        _metrics = metrics;
        _addressRateMessage = string.Create(CultureInfo.InvariantCulture,
            $"Too many new connections from this address: at most {value.NewConnectionsPerIp} per {value.NewConnectionsPerIpPeriod}.");
        _nodeFullMessage = string.Create(CultureInfo.InvariantCulture,
            $"The server is full: at most {_maxConnections} connections; connect again later.");
    }

    /// <summary>The connections this node admits at most, and where that number came from.</summary>
    public ConnectionCapacity Capacity { get; }

    /// <summary>True once the node started draining; it never admits again.</summary>
    public bool IsDraining => _draining;

    /// <summary>Admitted connections not yet finished (including their presence cleanup).</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>Refuses every later upgrade with 503 (the node is draining).</summary>
    public void StopAdmitting() => _draining = true;

    /// <summary>Admits a connection (call <see cref="Release"/> when it ends) or says why not.</summary>
    public bool TryAdmit(string address, out AdmissionRefusal refusal)
    {
        if (_draining)
        {
            return Refuse(new AdmissionRefusal(503, DrainingRetryAfterSeconds,
                "The server is shutting down: connect again (another node will answer).", "draining"), out refusal);
        }
        if (Interlocked.Increment(ref _open) > _maxConnections)
        {
            Interlocked.Decrement(ref _open);
            return Refuse(new AdmissionRefusal(503, NodeFullRetryAfterSeconds, _nodeFullMessage, "node_full"), out refusal);
        }
        if (!_descriptors.TryTake())
        {
            Interlocked.Decrement(ref _open);
            return Refuse(new AdmissionRefusal(503, NodeFullRetryAfterSeconds,
                "The server is full: no file descriptors left for new connections; connect again later.",
                "descriptor_limit"), out refusal);
        }
        if (!_addresses.TryAcquire(address, out var retryAfter))
        {
            Release();
            return Refuse(new AdmissionRefusal(429, (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds)), _addressRateMessage, "address_rate"),
                out refusal);
        }
        refusal = default;
        return true;
    }

    /// <summary>Ends an admitted connection.</summary>
    public void Release()
    {
        _descriptors.Return();
        Interlocked.Decrement(ref _open);
    }

    private bool Refuse(AdmissionRefusal why, out AdmissionRefusal refusal)
    {
        _metrics.Refused(why.Reason);
        refusal = why;
        return false;
    }

    private static void LogCapacity(ILogger logger, ConnectionCapacity capacity, long? openFileLimit)
    {
        LogMaxConnections(logger, capacity.MaxConnections, capacity.Source, openFileLimit, DescriptorPool.ProcessDescriptors, capacity.PoolSize);
        if (capacity.ExceedsDescriptors)
        {
            LogExceedsDescriptors(logger, capacity.MaxConnections, openFileLimit, capacity.PoolSize);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSocket connections admitted: at most {MaxConnections} ({Source}; "
        + "file descriptors: limit {DescriptorLimit}, {ProcessDescriptors} kept for the process, {PoolSize} shared by WebSocket and CometQL connections)")]
    private static partial void LogMaxConnections(ILogger logger, int maxConnections, string source, long? descriptorLimit,
        int processDescriptors, int? poolSize);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Comet:WebSocket:MaxConnections {MaxConnections} exceeds the {PoolSize} descriptors "
        + "the open-file limit {DescriptorLimit} leaves for connections: upgrades past them get 503 before the setting is reached. "
        + "Raise the limit (ulimit -n / LimitNOFILE) or lower the setting")]
    private static partial void LogExceedsDescriptors(ILogger logger, int maxConnections, long? descriptorLimit, int? poolSize);
}
