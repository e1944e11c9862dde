using Comet.Core.Engine;
using Comet.Core.Messages;
using Comet.Core.Names;

namespace Comet.Core.Memory;

/// <summary>pipes_settings and pipe logs, in memory.</summary>
internal sealed class MemoryPipeStore(MemoryState state) : IPipeStore
{
    public Task<IReadOnlyList<PipeSetting>> GetSettingsAsync(int devId, IReadOnlyCollection<string> pipes)
    {
        ArgumentNullException.ThrowIfNull(pipes);
        var space = state.Namespace(devId);
        var result = new List<PipeSetting>();
        foreach (var name in pipes)
        {
            var pipe = name is null ? null : space.TryLockPipe(name);
            if (pipe is null)
            {
                continue;
            }
            try
            {
                if (pipe.LogLength is { } length)
                {
                    result.Add(new PipeSetting(name!, length));
                }
            }
            finally
            {
                space.Release(pipe);
            }
        }
        return Task.FromResult<IReadOnlyList<PipeSetting>>(result);
    }

    public Task SetLogLengthAsync(int devId, string pipe, int length)
    {
        MemoryState.ValidatePipe(pipe);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var space = state.Namespace(devId);
        var locked = space.LockPipe(pipe);
        try
        {
            locked.LogLength = length;
            locked.TrimTo(state.LogCapacity(locked));
        }
        finally
        {
            space.Release(locked);
        }
        return Task.CompletedTask;
    }

    public Task DeleteSettingsAsync(int devId, string pipe)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        var space = state.Namespace(devId);
        var locked = space.TryLockPipe(pipe);
        if (locked is not null)
        {
            locked.LogLength = null;
            locked.ClearLog();
            space.Release(locked);
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<LogEntry>> GetLogAsync(int devId, string pipe, int max)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        var space = state.Namespace(devId);
        var locked = max <= 0 ? null : space.TryLockPipe(pipe);
        if (locked is null)
        {
            return Task.FromResult<IReadOnlyList<LogEntry>>([]);
        }
        try
        {
            locked.Expire(state.Now.UtcTicks);
            return Task.FromResult<IReadOnlyList<LogEntry>>(locked.Newest(max));
        }
        finally
        {
            space.Release(locked);
        }
    }

    public Task ClearLogAsync(int devId, string pipe)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        var space = state.Namespace(devId);
        var locked = space.TryLockPipe(pipe);
        if (locked is not null)
        {
            locked.ClearLog();
            space.Release(locked);
        }
        return Task.CompletedTask;
    }

    public Task DeleteLogEntriesAsync(int devId, IReadOnlyCollection<string> entryIds)
    {
        ArgumentNullException.ThrowIfNull(entryIds);
        if (entryIds.Count == 0)
        {
            return Task.CompletedTask;
        }
        var space = state.Namespace(devId);
        var ids = new HashSet<string>(entryIds.Where(id => id is not null), StringComparer.Ordinal);
        foreach (var name in space.PipeKeys)
        {
            var locked = space.TryLockPipe(name);
            if (locked is not null)
            {
                locked.RemoveEntries(ids);
                space.Release(locked);
            }
        }
        return Task.CompletedTask;
    }
}
