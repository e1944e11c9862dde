using Comet.Core.Engine;
using Comet.Core.Messages;

namespace Comet.Core.Memory;

/// <summary>One pipe of a namespace: its pipes_settings length, its log and its subscribed connections.</summary>
/// <remarks>Guarded by <see cref="Sync"/>. A pipe with nothing left in it is removed from its
/// namespace and marked <see cref="Removed"/>, so that memory stays bounded by what is in use.</remarks>
internal sealed class MemoryPipe(string name)
{
    private readonly Queue<LoggedEntry> _log = new();

    public Lock Sync { get; } = new();

    public string Name { get; } = name;

    /// <summary>The pipes_settings length, or null when the pipe has no settings row.</summary>
    public int? LogLength { get; set; }

    /// <summary>Subscribed connections by connection id.</summary>
    public Dictionary<string, ClientRecord> Subscribers { get; } = new(StringComparer.Ordinal);

    /// <summary>Set once the namespace dropped this object; a caller holding it must look the pipe up again.</summary>
    public bool Removed { get; set; }

    public int LogCount => _log.Count;

    public bool IsEmpty => LogLength is null && _log.Count == 0 && Subscribers.Count == 0;

    /// <summary>Appends an entry and drops the oldest beyond <paramref name="capacity"/>.</summary>
    public void Append(LogEntry entry, long expiresAtTicks, int capacity)
    {
        _log.Enqueue(new LoggedEntry(entry, expiresAtTicks));
        TrimTo(capacity);
    }

    /// <summary>Keeps only the newest <paramref name="capacity"/> entries.</summary>
    public void TrimTo(int capacity)
    {
        while (_log.Count > capacity)
        {
            _log.Dequeue();
        }
    }

    /// <summary>Drops entries whose expiry has passed (entries are appended in time order).</summary>
    public void Expire(long nowTicks)
    {
        while (_log.TryPeek(out var oldest) && oldest.ExpiresAtTicks <= nowTicks)
        {
            _log.Dequeue();
        }
    }

    public void ClearLog() => _log.Clear();

    /// <summary>The newest <paramref name="max"/> entries, oldest first.</summary>
    public List<LogEntry> Newest(int max)
    {
        var skip = Math.Max(0, _log.Count - max);
        var result = new List<LogEntry>(Math.Min(max, _log.Count));
        foreach (var logged in _log)
        {
            if (skip > 0)
            {
                skip--;
                continue;
            }
            result.Add(logged.Entry);
        }
        return result;
    }

    /// <summary>Removes the entries with the given ids; rare (a CometQL DELETE), so it rebuilds the queue.</summary>
    public void RemoveEntries(IReadOnlySet<string> ids)
    {
        if (_log.Count == 0)
        {
            return;
        }
        var kept = _log.Where(logged => !ids.Contains(logged.Entry.Id)).ToArray();
        if (kept.Length == _log.Count)
        {
            return;
        }
        _log.Clear();
        foreach (var logged in kept)
        {
            _log.Enqueue(logged);
        }
    }

    /// <param name="ExpiresAtTicks">UTC ticks after which the entry is gone; <see cref="long.MaxValue"/> for never.</param>
    private readonly record struct LoggedEntry(LogEntry Entry, long ExpiresAtTicks);
}
