using System.Diagnostics;
using System.Net;

namespace Comet.Benchmarks.Clients;

/// <summary>
/// Opens many WebSocket connections with a bounded number in flight and reports how fast. A
/// connection counts when its serverInfo message arrived. Failures are counted, not fatal; the first
/// error is kept so a result table can say why. With <c>firstMessage</c> each client sends it (a
/// subscription) right after serverInfo, as part of connecting; <c>opened</c> is then called with the client
/// (e.g. to start reading it at once, so that it answers the server's pings during a long ramp).
/// </summary>
internal static class ConnectionRamp
{
    public static async Task<RampResult> OpenAsync(
        IReadOnlyList<IPEndPoint> servers, LoopbackSources sources, int count, int concurrency,
        Func<int, string> pathFor, CancellationToken cancellationToken, Func<int, string>? firstMessage = null,
        Action<WsClient>? opened = null)
    {
        var clients = new WsClient?[count];
        var failures = 0;
        string? firstError = null;
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(15));
                try
                {
                    var client = await WsClient.ConnectAsync(servers[i % servers.Count], sources.For(i), pathFor(i), timeout.Token);
                    clients[i] = client;
                    if (firstMessage is not null)
                    {
                        // Part of connecting, as a browser subscribes right after onopen.
                        await client.SendTextAsync(firstMessage(i), timeout.Token);
                    }
                    opened?.Invoke(client);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstError, e.GetType().Name + ": " + e.Message, null);
                }
            });
        var elapsed = Stopwatch.GetElapsedTime(started);
        return new RampResult(clients, failures, firstError, elapsed);
    }
}

/// <summary>The clients opened (null where a connection failed), in index order.</summary>
internal sealed record RampResult(WsClient?[] Clients, int Failures, string? FirstError, TimeSpan Elapsed)
{
    public int Opened => Clients.Length - Failures;

    public double PerSecond => Opened / Elapsed.TotalSeconds;

    public IEnumerable<WsClient> Live => Clients.OfType<WsClient>();

    public void CloseAll()
    {
        foreach (var client in Live)
        {
            client.Dispose();
        }
    }
}
