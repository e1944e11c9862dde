using System.Globalization;
using Comet.Testing;
using Comet.Testing.Clients;
using MySqlConnector;

namespace Comet.Soak;

/// <summary>
/// A soak: gateways as real processes (two on one redis-server, or one on the memory engine), thousands
/// of WebSocket connections that keep leaving and coming back, a backend sending numbered personal
/// messages and broadcasts through CometQL. Each gateway is measured idle, loaded after the warm-up,
/// loaded at the end and idle again; the run fails when a resource grew beyond the options' tolerance
/// or a personal message was lost, duplicated or reordered.
/// </summary>
public sealed class SoakRun
{
    private const int BroadcastPipes = 8;

    private readonly SoakOptions _options;
    private readonly TextWriter _log;
    private readonly List<GatewayProcess> _nodes = [];
    private readonly List<string> _probeFiles = [];
    private long _connects;
    private long _connectFailures;
    private long _broadcastLines;
    private long _personalSendFailures;

    private SoakRun(SoakOptions options, TextWriter log)
    {
        _options = options;
        _log = log;
    }

    public static async Task<SoakReport> RunAsync(SoakOptions options, TextWriter log)
    {
        var run = new SoakRun(options, log);
        var directory = Directory.CreateTempSubdirectory("comet-soak-");
        RedisServer? redis = null;
        try
        {
            if (options.Engine == "redis")
            {
                redis = await RedisServer.StartAsync();
            }
            return await run.RunAsync(redis, directory.FullName);
        }
        finally
        {
            foreach (var node in run._nodes)
            {
                await node.DisposeAsync();
            }
            if (redis is not null)
            {
                await redis.DisposeAsync();
            }
            directory.Delete(recursive: true);
        }
    }

    private async Task<SoakReport> RunAsync(RedisServer? redis, string directory)
    {
        var nodeCount = redis is null ? 1 : 2;
        var prefix = "soak" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        for (var i = 1; i <= nodeCount; i++)
        {
            var probe = Path.Combine(directory, $"node{i}.probe");
            var settings = new Dictionary<string, string>
            {
                ["DOTNET_STARTUP_HOOKS"] = typeof(StartupHook).Assembly.Location,
                [StartupHook.FileVariable] = probe,
                ["Comet:Limits:OfflineQueueLength"] = "100000",
            };
            if (redis is not null)
            {
                settings["Comet:Redis:Configuration"] = redis.Configuration;
                settings["Comet:Redis:Prefix"] = prefix;
            }
            _nodes.Add(await GatewayProcess.StartAsync("soak-" + i.ToString(CultureInfo.InvariantCulture), settings));
            _probeFiles.Add(probe);
        }

        var ledgers = Enumerable.Range(1, _options.TrackedUsers).Select(u => new PersonalLedger(u)).ToArray();
        await using (var backend = await CometQLBackend.OpenAsync(_nodes[0]))
        {
            foreach (var ledger in ledgers)
            {
                await backend.ExecuteAsync($"INSERT INTO users_auth (id, hash) VALUES ({ledger.UserId}, 'soak{ledger.UserId}')");
            }
        }

        var samples = new List<ResourceSample>();
        await SampleAsync("idle before", samples);
        _log.WriteLine($"soak: {_options.Engine}, {nodeCount} node(s), {_options.Connections} connections ({ledgers.Length} tracked users), {_options.Duration} after a {_options.WarmUp} warm-up");

        using var stop = new CancellationTokenSource();
        var slots = new List<Task>();
        for (var i = 0; i < _options.Connections; i++)
        {
            var ledger = i < ledgers.Length ? ledgers[i] : null;
            var pipe = "web_soak" + (i % BroadcastPipes).ToString(CultureInfo.InvariantCulture);
            var startAfter = _options.WarmUp / 2 * i / _options.Connections;
            slots.Add(Task.Run(() => RunSlotAsync(ledger, pipe, startAfter, stop.Token)));
        }
        var publishers = _nodes.Select((node, index) => Task.Run(() => PublishAsync(node, index, ledgers, stop.Token))).ToList();

        await Task.Delay(_options.WarmUp);
        await SampleAsync("loaded start", samples);
        var started = DateTime.UtcNow;
        while (DateTime.UtcNow - started < _options.Duration)
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, Math.Max(1, (_options.Duration - (DateTime.UtcNow - started)).TotalSeconds))));
            _log.WriteLine($"soak: {(int)(DateTime.UtcNow - started).TotalSeconds} s, {Interlocked.Read(ref _connects)} connects ({Interlocked.Read(ref _connectFailures)} failed), " +
                $"{ledgers.Sum(l => l.Sent)} personal sent, {ledgers.Sum(l => l.ReceivedCount)} received, {Interlocked.Read(ref _broadcastLines)} broadcast lines");
        }
        await SampleAsync("loaded end", samples);

        await stop.CancelAsync();
        await Task.WhenAll(publishers);
        await Task.WhenAll(slots);
        await CollectTheRestAsync(ledgers);
        await Task.Delay(TimeSpan.FromSeconds(3)); // let closed sockets finish closing
        await SampleAsync("idle after", samples);

        return new SoakReport(_options, samples, ledgers.Select(l => (l.UserId, l.Sent, l.Check())).ToList(),
            Interlocked.Read(ref _connects), Interlocked.Read(ref _connectFailures), Interlocked.Read(ref _broadcastLines),
            Interlocked.Read(ref _personalSendFailures));
    }

    private async Task SampleAsync(string phase, List<ResourceSample> samples)
    {
        for (var i = 0; i < _nodes.Count; i++)
        {
            samples.Add(await ResourceSample.TakeAsync(phase, _nodes[i], _probeFiles[i]));
        }
    }

    /// <summary>One place in the crowd: connect to a random node, stay a while, leave cleanly, again.</summary>
    private async Task RunSlotAsync(PersonalLedger? ledger, string pipe, TimeSpan startAfter, CancellationToken stop)
    {
        await Task.Delay(startAfter, CancellationToken.None);
        var path = ledger is null
            ? CometWebSocketClient.Path(uuid: CometWebSocketClient.NewUuid())
            : CometWebSocketClient.Path("soak" + ledger.UserId.ToString(CultureInfo.InvariantCulture), ledger.UserId, uuid: CometWebSocketClient.NewUuid());
        while (!stop.IsCancellationRequested)
        {
            var node = _nodes[Random.Shared.Next(_nodes.Count)];
            SoakConnection connection;
            try
            {
                Interlocked.Increment(ref _connects);
                connection = await SoakConnection.OpenAsync(new Uri(node.WebSocketUri, path), line => OnLine(ledger, line));
            }
            catch (Exception exception) when (exception is System.Net.WebSockets.WebSocketException or OperationCanceledException)
            {
                Interlocked.Increment(ref _connectFailures);
                await Task.Delay(500, CancellationToken.None);
                continue;
            }
            try
            {
                await connection.SendAsync("subscription\n" + pipe);
                var stay = _options.MinStay + ((_options.MaxStay - _options.MinStay) * Random.Shared.NextDouble());
                try
                {
                    await Task.Delay(stay, stop);
                }
                catch (OperationCanceledException)
                {
                }
            }
            catch (System.Net.WebSockets.WebSocketException)
            {
                // Dropped under us; leave and come back like a browser would.
            }
            finally
            {
                await connection.CloseAsync();
                connection.Dispose();
            }
        }
    }

    private void OnLine(PersonalLedger? ledger, ReadOnlyMemory<byte> line)
    {
        if (ledger is not null && SoakConnection.PersonalData(line.Span) is { } data)
        {
            ledger.Received(data);
        }
        else if (line.Span.IndexOf("\"pipe\":\"web_soak"u8) >= 0)
        {
            Interlocked.Increment(ref _broadcastLines);
        }
    }

    /// <summary>The backend on one node: personal messages to its share of the users, broadcasts to the pipes.</summary>
    private async Task PublishAsync(GatewayProcess node, int index, PersonalLedger[] ledgers, CancellationToken stop)
    {
        var mine = ledgers.Where((_, i) => i % _nodes.Count == index).ToArray();
        var perNode = Math.Max(1, (_options.PersonalPerSecond + _options.BroadcastsPerSecond) / _nodes.Count);
        var broadcastEvery = Math.Max(1, (_options.PersonalPerSecond + _options.BroadcastsPerSecond) / Math.Max(1, _options.BroadcastsPerSecond));
        var interval = TimeSpan.FromSeconds(1.0 / perNode);
        await using var backend = await CometQLBackend.OpenAsync(node);
        var next = DateTime.UtcNow;
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            try
            {
                if (n % broadcastEvery == 0 || mine.Length == 0)
                {
                    var pipe = "web_soak" + (n % BroadcastPipes).ToString(CultureInfo.InvariantCulture);
                    await backend.ExecuteAsync($"INSERT INTO pipes_messages (name, event, message) VALUES ('{pipe}', 'b', 'broadcast {n}')");
                }
                else
                {
                    var ledger = mine[Random.Shared.Next(mine.Length)];
                    var number = ledger.Next();
                    await backend.ExecuteAsync($"INSERT INTO users_messages (id, event, message) VALUES ({ledger.UserId}, 'n', '{number}')");
                    ledger.MarkSent(number);
                }
            }
            catch (MySqlException)
            {
                Interlocked.Increment(ref _personalSendFailures);
            }
            next += interval;
            var wait = next - DateTime.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    /// <summary>Every tracked user connects once more and reads its offline queue until all its messages arrived.</summary>
    private async Task CollectTheRestAsync(PersonalLedger[] ledgers)
    {
        await Task.WhenAll(ledgers.Select(async ledger =>
        {
            if (ledger.ReceivedCount >= ledger.Sent)
            {
                return;
            }
            var path = CometWebSocketClient.Path("soak" + ledger.UserId.ToString(CultureInfo.InvariantCulture), ledger.UserId, uuid: CometWebSocketClient.NewUuid());
            try
            {
                using var connection = await SoakConnection.OpenAsync(new Uri(_nodes[0].WebSocketUri, path), line => OnLine(ledger, line));
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (ledger.ReceivedCount < ledger.Sent && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }
                await connection.CloseAsync();
            }
            catch (System.Net.WebSockets.WebSocketException)
            {
                Interlocked.Increment(ref _connectFailures);
            }
        }));
    }
}
