using Comet.Benchmarks.Clients;
using Comet.Benchmarks.Measure;

namespace Comet.Benchmarks.Scenarios;

/// <summary>Runs every client's receive loop, scanning each frame for publish stamps.</summary>
internal sealed class ReceiveLoops : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    public void Start(WsClient client, LatencyRecorder recorder) =>
        _loops.Add(client.RunAsync(frame => PayloadStamp.Scan(frame.Span, recorder), _stop.Token));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
        _stop.Dispose();
    }
}
