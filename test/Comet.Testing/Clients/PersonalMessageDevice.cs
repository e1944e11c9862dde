using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using Comet.Testing.Faults;

namespace Comet.Testing.Clients;

/// <summary>
/// One device of a user (a phone, a browser tab) receiving numbered personal messages through a
/// <see cref="FaultyLink"/> of its own, and failing that connection at random every 1-2 s while
/// <see cref="FaultsEnabled"/>: an RST, a half-open connection or a clean WebSocket close, then a new
/// connection at once to a random gateway. It records what its application saw (<see cref="Processed"/>,
/// the message numbers in the order it handed them over), not what the server sent.
/// <para>
/// With <c>acknowledges</c> it is the client side of acknowledged personal delivery as our JS client does
/// it: <c>&amp;ack=N</c> in the URL (the highest seq processed, 0 at first), every personal message with a
/// seq not above the highest processed is dropped, and processed ones are acknowledged cumulatively with
/// <c>ack\n&lt;seq&gt;</c> at most once a second, or at once when 64 wait; serverInfo's <c>ackSeq</c> (where
/// the gateway resumes) raises the highest processed. Without it, it is CppComet's
/// original client: no <c>ack=</c>, no acks, no dedupe.
/// </para>
/// Anything received but not yet processed when a connection is failed or closed is thrown away, as a
/// page that is reloaded or loses its network would: the server must resend it, not the device keep it.
/// </summary>
public sealed class PersonalMessageDevice(string name, long userId, string hash, bool acknowledges, Func<GatewayProcess> pickGateway)
    : IAsyncDisposable
{
    /// <summary>Processed messages waiting for an ack that make the device ack at once.</summary>
    public const int AckBatch = 64;

    private static readonly TimeSpan AckInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ReceiveSlice = TimeSpan.FromMilliseconds(100);

    private readonly string _uuid = CometWebSocketClient.NewUuid();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<ProcessedMessage> _processed = [];
    private readonly List<string> _missed = [];
    private readonly List<string> _errors = [];
    private readonly List<DeviceConnection> _connections = [];
    private readonly List<FaultyLink> _links = [];
    private readonly int[] _ends = new int[Enum.GetValues<ConnectionEnd>().Length];
    private volatile bool _faultsEnabled;
    private int _failedConnects;
    private long _highestSeq;
    private int _unacked;
    private DateTime _lastAck;

    public string Name { get; } = name;
    public long UserId { get; } = userId;
    public bool Acknowledges { get; } = acknowledges;

    /// <summary>Fail the connection at random every 1-2 s (off at first, so that every device connects
    /// before the backend starts sending).</summary>
    public bool FaultsEnabled
    {
        get => _faultsEnabled;
        set => _faultsEnabled = value;
    }

    /// <summary>Completes when the first connection got its serverInfo greeting.</summary>
    public Task Connected => _connected.Task;

    /// <summary>The message numbers handed to the application, in order.</summary>
    public IReadOnlyList<int> Processed
    {
        get
        {
            lock (_processed)
            {
                return [.. _processed.Select(p => p.Number)];
            }
        }
    }

    /// <summary><see cref="Processed"/> with the connection each came on and when.</summary>
    public IReadOnlyList<ProcessedMessage> ProcessedOn => Snapshot(_processed);

    /// <summary>The highest message number processed (0 before any).</summary>
    public int LastProcessed
    {
        get
        {
            lock (_processed)
            {
                return _processed.Count == 0 ? 0 : _processed[^1].Number;
            }
        }
    }

    /// <summary>Every <c>messagesMissed</c> event the server sent, as its data.</summary>
    public IReadOnlyList<string> MessagesMissed => Snapshot(_missed);

    /// <summary>Sys errors and protocol violations seen (a personal message without seq, a seq the
    /// original client was not asked for, a greeting that did not authorise).</summary>
    public IReadOnlyList<string> Errors => Snapshot(_errors);

    public IReadOnlyList<DeviceConnection> Connections => Snapshot(_connections);

    /// <summary>Connections that did not get as far as the WebSocket upgrade (a killed gateway).</summary>
    public int FailedConnects => Volatile.Read(ref _failedConnects);

    /// <summary>How many connections ended this way.</summary>
    public int Ended(ConnectionEnd end) => Volatile.Read(ref _ends[(int)end]);

    /// <summary>Connects, reconnects and processes until <paramref name="stop"/>, then closes cleanly.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await DisposeFinishedLinksAsync();
            var gateway = pickGateway();
            var link = FaultyLink.Start(gateway);
            lock (_links)
            {
                _links.Add(link);
            }
            long? ack = Acknowledges ? _highestSeq : null;
            var connecting = DateTime.UtcNow;
            CometWebSocketClient client;
            try
            {
                client = await CometWebSocketClient.ConnectAsync(link.WebSocketUri, Path(ack));
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or HttpRequestException)
            {
                // The gateway died under us: try another, as a client does, without hammering.
                Interlocked.Increment(ref _failedConnects);
                await Task.Delay(50, CancellationToken.None);
                continue;
            }
            var connection = new DeviceConnection(_connections.Count + 1, gateway.NodeName, ack, connecting, DateTime.UtcNow);
            lock (_connections)
            {
                _connections.Add(connection);
            }
            // The ack in the URL told the server everything processed so far.
            _unacked = 0;
            _lastAck = DateTime.UtcNow;
            var end = await RunConnectionAsync(client, link, connection, stop);
            connection.End = end;
            connection.Closed = DateTime.UtcNow;
            Interlocked.Increment(ref _ends[(int)end]);
        }
    }

    /// <summary>Closes every link still open (half-open legs the gateways have not dropped yet).</summary>
    public async ValueTask DisposeAsync()
    {
        List<FaultyLink> links;
        lock (_links)
        {
            links = [.. _links];
            _links.Clear();
        }
        foreach (var link in links)
        {
            await link.DisposeAsync();
        }
    }

    private async Task DisposeFinishedLinksAsync()
    {
        List<FaultyLink> finished;
        lock (_links)
        {
            finished = _links.FindAll(l => l.Completed.IsCompleted);
            _links.RemoveAll(finished.Contains);
        }
        foreach (var link in finished)
        {
            await link.DisposeAsync();
        }
    }

    /// <summary>One line per connection, times in seconds since <paramref name="start"/>.</summary>
    public string History(DateTime start) => string.Join('\n', Connections.Select(c => "  " + c.Describe(start)));

    private string Path(long? ack) =>
        CometWebSocketClient.Path(hash, UserId, uuid: _uuid) + (ack is { } n ? string.Create(CultureInfo.InvariantCulture, $"&ack={n}") : "");

    private async Task<ConnectionEnd> RunConnectionAsync(CometWebSocketClient client, FaultyLink link, DeviceConnection connection, CancellationToken stop)
    {
        var faultAt = DateTime.UtcNow.AddMilliseconds(Random.Shared.Next(1000, 2001));
        while (true)
        {
            if (stop.IsCancellationRequested)
            {
                // As our JS client does before stop(): the last processed messages need no resend.
                await AckIfDueAsync(client, connection, flush: true);
                await CloseAsync(client, connection);
                return ConnectionEnd.Stopped;
            }
            if (FaultsEnabled && DateTime.UtcNow >= faultAt)
            {
                return await InjectFaultAsync(client, link, connection);
            }
            try
            {
                Handle(await client.ReceiveAsync(ReceiveSlice), connection);
            }
            catch (OperationCanceledException)
            {
                // Nothing arrived in this slice: time to ack, fail or stop, perhaps.
            }
            catch (Exception e) when (e is InvalidOperationException or WebSocketException)
            {
                var closedByServer = client.CloseStatus is not null;
                await CloseAsync(client, connection);
                return closedByServer ? ConnectionEnd.ClosedByServer : ConnectionEnd.Broken;
            }
            if (!await AckIfDueAsync(client, connection))
            {
                await CloseAsync(client, connection);
                return ConnectionEnd.Broken;
            }
        }
    }

    private async Task<ConnectionEnd> InjectFaultAsync(CometWebSocketClient client, FaultyLink link, DeviceConnection connection)
    {
        var fault = Random.Shared.Next(3) switch
        {
            0 => ConnectionEnd.Reset,
            1 => ConnectionEnd.HalfOpen,
            _ => ConnectionEnd.CleanClose,
        };
        connection.FaultAt = DateTime.UtcNow;
        if (fault == ConnectionEnd.Reset)
        {
            link.Reset();
        }
        else if (fault == ConnectionEnd.HalfOpen)
        {
            link.HalfOpen();
        }
        else
        {
            // A clean close is the WebSocket close handshake, relayed by the link; our JS client
            // sends its pending ack first.
            await AckIfDueAsync(client, connection, flush: true);
        }
        await CloseAsync(client, connection);
        return fault;
    }

    /// <summary>Closes (cleanly when the socket is still open) and throws away what was not processed.</summary>
    private static async Task CloseAsync(CometWebSocketClient client, DeviceConnection connection)
    {
        await client.DisposeAsync();
        connection.Unread += client.Drain().Count;
    }

    private void Handle(JsonElement message, DeviceConnection connection)
    {
        if (CometWebSocketClient.IsPipe(message, "msg"))
        {
            HandlePersonal(message, connection);
        }
        else if (CometWebSocketClient.IsPipe(message, "sys"))
        {
            HandleSys(message, connection);
        }
    }

    private void HandlePersonal(JsonElement message, DeviceConnection connection)
    {
        var data = message.GetProperty("data");
        var number = data.ValueKind == JsonValueKind.Number
            ? data.GetInt32()
            : int.Parse(data.GetString()!, CultureInfo.InvariantCulture);
        var hasSeq = message.TryGetProperty("seq", out var seqProperty);
        var fromQueue = message.TryGetProperty("fromQueue", out var queued) && queued.ValueKind == JsonValueKind.True;
        if (Acknowledges)
        {
            if (!hasSeq || seqProperty.ValueKind != JsonValueKind.Number)
            {
                AddError($"connection #{connection.Number}: personal message {number} without a numeric seq: {message.GetRawText()}");
                return;
            }
            var seq = seqProperty.GetInt64();
            if (seq <= _highestSeq)
            {
                connection.Dropped++;
                return;
            }
            _highestSeq = seq;
            _unacked++;
        }
        else if (hasSeq)
        {
            AddError($"connection #{connection.Number}: the original client got a seq it did not ask for: {message.GetRawText()}");
        }
        lock (_processed)
        {
            _processed.Add(new ProcessedMessage(number, connection.Number, fromQueue, DateTime.UtcNow));
        }
        connection.Record(number, fromQueue);
    }

    private void HandleSys(JsonElement message, DeviceConnection connection)
    {
        switch (message.GetProperty("event").GetString())
        {
            case "serverInfo":
                if (!message.TryGetProperty("authorized", out var authorized) || authorized.ValueKind != JsonValueKind.True)
                {
                    AddError($"connection #{connection.Number}: not authorised: {message.GetRawText()}");
                }
                // Where the gateway resumes this connection (on a first connect, the seq just before the
                // first message it will send): raised to, as our JS client does, so that a first
                // connection that drops before any message arrived is resumed too.
                if (Acknowledges && message.TryGetProperty("ackSeq", out var ackSeq) && ackSeq.ValueKind == JsonValueKind.Number)
                {
                    connection.AckSeq = ackSeq.GetInt64();
                    _highestSeq = Math.Max(_highestSeq, connection.AckSeq.Value);
                }
                connection.Greeted = true;
                _connected.TrySetResult();
                break;
            case "messagesMissed":
                lock (_missed)
                {
                    _missed.Add($"connection #{connection.Number}: {message.GetProperty("data").GetRawText()}");
                }
                break;
            case "error":
                AddError($"connection #{connection.Number}: {message.GetRawText()}");
                break;
        }
    }

    /// <summary>Sends the cumulative ack when one is due (or, with <paramref name="flush"/>, when any
    /// message is unacknowledged); false when the connection failed meanwhile.</summary>
    private async Task<bool> AckIfDueAsync(CometWebSocketClient client, DeviceConnection connection, bool flush = false)
    {
        if (!Acknowledges || _unacked == 0 || (!flush && _unacked < AckBatch && DateTime.UtcNow - _lastAck < AckInterval))
        {
            return true;
        }
        try
        {
            await client.SendAsync(string.Create(CultureInfo.InvariantCulture, $"ack\n{_highestSeq}"));
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
        _unacked = 0;
        _lastAck = DateTime.UtcNow;
        connection.Acks++;
        return true;
    }

    private void AddError(string error)
    {
        lock (_errors)
        {
            _errors.Add(error);
        }
    }

    private static List<T> Snapshot<T>(List<T> list)
    {
        lock (list)
        {
            return [.. list];
        }
    }
}

/// <summary>A message a <see cref="PersonalMessageDevice"/> handed to its application: its number, the
/// connection (<see cref="DeviceConnection.Number"/>) it came on, whether it came as a queued one, and when.</summary>
public sealed record ProcessedMessage(int Number, int Connection, bool FromQueue, DateTime At);
