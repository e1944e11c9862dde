using Microsoft.Extensions.Options;

namespace Comet.Demo;

/// <summary>At start, makes the room pipe keep its history (pipes_settings), retrying while the gateway is not up yet.</summary>
internal sealed partial class RoomSetup(CometQL cometQL, IOptions<DemoOptions> options, ILogger<RoomSetup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var room = options.Value.RoomPipe;
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await cometQL.KeepRoomHistoryAsync(room, options.Value.RoomHistory, stoppingToken);
                LogRoomReady(logger, room, options.Value.RoomHistory);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogRoomRetry(logger, exception, room, attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {Pipe} keeps its last {Length} messages")]
    private static partial void LogRoomReady(ILogger logger, string pipe, int length);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not set up room {Pipe} over CometQL (attempt {Attempt}); retrying")]
    private static partial void LogRoomRetry(ILogger logger, Exception exception, string pipe, int attempt);
}
