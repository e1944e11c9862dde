using System.Collections.Concurrent;
using Comet.Testing;

namespace Comet.Redis.Tests.Topologies;

/// <summary>Polls every live gateway's /health/ready and records each answer that is not "ready".</summary>
internal sealed class ReadinessWatch(Func<List<GatewayProcess>> live)
{
    public ConcurrentQueue<string> Failures { get; } = new();

    public async Task RunAsync(CancellationToken stop)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (!stop.IsCancellationRequested)
        {
            foreach (var node in live())
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(node.HttpUri, "/health/ready"), CancellationToken.None);
                    if (!response.IsSuccessStatusCode)
                    {
                        Failures.Enqueue($"{node.NodeName} {(int)response.StatusCode} at {DateTime.UtcNow:HH:mm:ss.fff}");
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    if (!node.HasExited)
                    {
                        Failures.Enqueue($"{node.NodeName} {e.GetType().Name} at {DateTime.UtcNow:HH:mm:ss.fff}");
                    }
                }
            }
            await Task.Delay(200, CancellationToken.None);
        }
    }
}
