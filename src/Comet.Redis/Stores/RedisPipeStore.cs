using System.Globalization;
using Comet.Core.Engine;
using Comet.Core.Messages;
using Comet.Core.Names;
using Comet.Core.Options;
using Comet.Redis.Client;
using Comet.Redis.Scripts;

namespace Comet.Redis.Stores;

/// <summary>pipes_settings (a string per pipe) and pipe logs (a capped list per pipe).</summary>
internal sealed class RedisPipeStore(RedisClient client, RedisKeys keys, LimitsOptions limits, TimeProvider time) : IPipeStore
{
    public async Task<IReadOnlyList<PipeSetting>> GetSettingsAsync(int devId, IReadOnlyCollection<string> pipes)
    {
        var list = pipes.ToList();
        var values = await client.GetStringsAsync(list.Select(p => keys.PipeSettings(devId, p)).ToList()).ConfigureAwait(false);
        var result = new List<PipeSetting>();
        for (var i = 0; i < list.Count; i++)
        {
            if (int.TryParse(values[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var length))
            {
                result.Add(new PipeSetting(list[i], length));
            }
        }
        return result;
    }

    public Task SetLogLengthAsync(int devId, string pipe, int length) =>
        client.EvalAsync(
            RedisScripts.SetLogLength,
            [keys.PipeSettings(devId, pipe), keys.PipeLog(devId, pipe)],
            [Math.Clamp(length, 0, limits.MaxPipeLogLength)]);

    public Task DeleteSettingsAsync(int devId, string pipe) =>
        client.DeleteAsync(keys.PipeSettings(devId, pipe), keys.PipeLog(devId, pipe));

    public async Task<IReadOnlyList<LogEntry>> GetLogAsync(int devId, string pipe, int max)
    {
        if (max <= 0)
        {
            return [];
        }
        var values = await client.ListRangeAsync(keys.PipeLog(devId, pipe), -max, -1).ConfigureAwait(false);
        var oldest = PipeNames.IsAlwaysLogged(pipe)
            ? time.GetUtcNow().ToUnixTimeSeconds() - (long)limits.TrustLogTtl.TotalSeconds
            : long.MinValue;
        var result = new List<LogEntry>(values.Length);
        foreach (var value in values)
        {
            var entry = LogEntryCodec.Decode(pipe, value, out var loggedAt);
            if (loggedAt >= oldest)
            {
                result.Add(entry);
            }
        }
        return result;
    }

    public Task ClearLogAsync(int devId, string pipe) =>
        client.DeleteAsync(keys.PipeLog(devId, pipe));

    public async Task DeleteLogEntriesAsync(int devId, IReadOnlyCollection<string> entryIds)
    {
        var byPipe = entryIds
            .Select(id => (Id: id, Pipe: LogEntryCodec.PipeOf(id)))
            .Where(e => e.Pipe is not null)
            .GroupBy(e => e.Pipe!, StringComparer.Ordinal)
            .Select(g => new ScriptCall(RedisScripts.DeleteLogEntries,
                [keys.PipeLog(devId, g.Key)],
                g.Select(e => (RedisArg)e.Id).ToArray()))
            .ToList();
        await client.EvalBatchAsync(byPipe).ConfigureAwait(false);
    }
}
