using Comet.Core.Diagnostics;
using Comet.WebSockets.Admission;
using Microsoft.Extensions.Options;

namespace Comet.Gateway.Drain;

/// <summary>
/// The graceful stop (SIGTERM, or any host stop). Before the host stops its services:
/// readiness turns false and new WebSockets get 503 at once; after <see cref="DrainOptions.Delay"/>
/// the open WebSockets are closed with 1012 spread over <see cref="DrainOptions.Window"/>, each leaving
/// presence the usual way. Then the host stops Kestrel (CometQL sessions finish their statement and
/// close) and, last, the engine. The host's shutdown timeout is <see cref="DrainOptions.Timeout"/>:
/// whatever is still open then is aborted and the process exits.
/// </summary>
internal sealed partial class GatewayDrain(
    WebSocketDrain webSockets,
    CometMetrics metrics,
    DrainMetrics drainMetrics,
    IOptions<DrainOptions> options,
    TimeProvider time,
    ILogger<GatewayDrain> logger) : IHostedLifecycleService
{
    private readonly DrainOptions _options = options.Value;
    private long _started;

    /// <summary>True from the start of the stop: readiness answers 503.</summary>
    public bool IsDraining => webSockets.IsDraining;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _ = drainMetrics;
        _started = time.GetTimestamp();
        webSockets.RefuseNewConnections();
        LogStarted(webSockets.OpenConnections, metrics.CometQLConnections, _options.Delay, _options.Window, _options.Timeout);
        try
        {
            await Task.Delay(_options.Delay, time, cancellationToken);
            await webSockets.CloseSpreadAsync(_options.Window, cancellationToken);
            await webSockets.WaitUntilClosedAsync(cancellationToken);
            var elapsed = Elapsed;
            LogWebSocketsClosed(elapsed, metrics.CometQLConnections);
        }
        catch (OperationCanceledException)
        {
            // The hard bound came first: close what is left at once; Kestrel aborts what does not finish.
            webSockets.CloseAll();
            var elapsed = Elapsed;
            LogCut(webSockets.OpenConnections, metrics.CometQLConnections, elapsed);
        }
    }

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        var elapsed = Elapsed;
        LogStopped(elapsed, webSockets.OpenConnections, metrics.CometQLConnections);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private TimeSpan Elapsed => time.GetElapsedTime(_started);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drain started: readiness is false and new WebSockets are refused; {WebSockets} WebSockets and {CometQLConnections} CometQL connections open; closing WebSockets after {Delay} over {Window}; hard bound {Timeout}")]
    private partial void LogStarted(int webSockets, long cometQLConnections, TimeSpan delay, TimeSpan window, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drain: every WebSocket closed after {Elapsed}; stopping the server with {CometQLConnections} CometQL connections open")]
    private partial void LogWebSocketsClosed(TimeSpan elapsed, long cometQLConnections);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drain cut short by its hard bound: {WebSockets} WebSockets and {CometQLConnections} CometQL connections still open after {Elapsed}")]
    private partial void LogCut(int webSockets, long cometQLConnections, TimeSpan elapsed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drain finished after {Elapsed}: {WebSockets} WebSockets and {CometQLConnections} CometQL connections left")]
    private partial void LogStopped(TimeSpan elapsed, int webSockets, long cometQLConnections);
}
