using Comet.Benchmarks.Clients;
using Comet.Benchmarks.Measure;

namespace Comet.Benchmarks.Scenarios;

/// <summary>Runs every client's receive loop, scanning each frame for publish stamps (and answering the
/// server's pings). Loops may be started from several threads at once (the ramp, churn workers).</summary>
internal sealed class ReceiveLoops : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    /// <summary>Loops still reading: their connection is open (a loop ends at the server's close or a reset).</summary>
    public int Running
    {
        get
        {
            lock (_loops)
            {
                return _loops.Count(loop => !loop.IsCompleted);
            }
        }
    }

    public void Start(WsClient client, LatencyRecorder recorder)
    {
        var loop = client.RunAsync(frame => PayloadStamp.Scan(frame.Span, recorder), _stop.Token);
        lock (_loops)
        {
            _loops.Add(loop);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Task[] loops;
        lock (_loops)
        {
            loops = [.. _loops];
        }
        await Task.WhenAll(loops);
        _stop.Dispose();
    }
}
