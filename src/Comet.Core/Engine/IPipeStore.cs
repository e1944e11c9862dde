using Comet.Core.Messages;

namespace Comet.Core.Engine;

/// <summary>pipes_settings and pipe logs. Publishing (which appends to a log) is <see cref="IMessageBus"/>.</summary>
public interface IPipeStore
{
    /// <summary>The settings of those of <paramref name="pipes"/> that have some, in request order.</summary>
    Task<IReadOnlyList<PipeSetting>> GetSettingsAsync(int devId, IReadOnlyCollection<string> pipes);

    /// <summary>Stores (replaces) a pipe's log length (already clamped by the caller). A shorter length
    /// trims the existing log to its newest entries.</summary>
    Task SetLogLengthAsync(int devId, string pipe, int length);

    /// <summary>Removes a pipe's settings and its log.</summary>
    Task DeleteSettingsAsync(int devId, string pipe);

    /// <summary>The newest <paramref name="max"/> logged messages of a pipe, oldest first.</summary>
    Task<IReadOnlyList<LogEntry>> GetLogAsync(int devId, string pipe, int max);

    /// <summary>Deletes a pipe's whole log.</summary>
    Task ClearLogAsync(int devId, string pipe);

    /// <summary>Deletes single log entries by id, whichever pipe holds them.</summary>
    Task DeleteLogEntriesAsync(int devId, IReadOnlyCollection<string> entryIds);
}

/// <summary>A row of pipes_settings.</summary>
public readonly record struct PipeSetting(string Pipe, int LogLength);
