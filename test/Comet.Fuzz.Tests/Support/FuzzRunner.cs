using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Comet.Fuzz.Tests.Support;

/// <summary>
/// Drives FsCheck generators from plain xunit facts (FsCheck.Xunit is not on the mirror): samples the
/// inputs in chunks from the run's seed, checks the property on each, and on the first failure throws
/// with the target, the seed, the input's index and the input itself, so it can be replayed
/// (<c>COMET_FUZZ_SEED=…</c>) and turned into a regression test.
/// </summary>
internal sealed class FuzzRunner(ITestOutputHelper output)
{
    private const int ChunkSize = 256;

    /// <summary>Generator sizes cycled over the chunks: small inputs first, then larger ones.</summary>
    private static readonly int[] Sizes = [8, 32, 128, 512];

    public void Run<T>(string target, Gen<T> inputs, Action<T> property, Func<T, string>? describe = null, int? iterations = null) =>
        RunAsync(target, inputs, input =>
        {
            property(input);
            return Task.CompletedTask;
        }, describe, iterations).GetAwaiter().GetResult();

    public async Task RunAsync<T>(string target, Gen<T> inputs, Func<T, Task> property, Func<T, string>? describe = null, int? iterations = null)
    {
        var count = iterations ?? FuzzSettings.Iterations;
        var seed = FuzzSettings.Seed;
        output.WriteLine($"{target}: seed {seed}, {count} inputs");
        var stopwatch = Stopwatch.StartNew();
        for (var done = 0; done < count;)
        {
            var chunk = done / ChunkSize;
            var wanted = Math.Min(ChunkSize, count - done);
            var batch = inputs.Sample(wanted, new Rnd(ChunkSeed(seed, target, chunk)), Sizes[chunk % Sizes.Length]);
            Assert.Equal(wanted, batch.Length);
            foreach (var input in batch)
            {
                try
                {
                    await property(input);
                }
                catch (Exception e)
                {
                    var text = describe is null ? Printable.Of(input?.ToString() ?? "null") : describe(input);
                    throw new FuzzFailureException(
                        $"{target}: input #{done} failed (replay: COMET_FUZZ_SEED={seed}). Input: {text}", e);
                }
                done++;
            }
        }
        stopwatch.Stop();
        var perSecond = count / Math.Max(stopwatch.Elapsed.TotalSeconds, 1e-6);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{target}\t{count}\t{stopwatch.Elapsed.TotalSeconds:F1}\t{perSecond:F0}");
        output.WriteLine($"{target}: {count} inputs in {stopwatch.Elapsed.TotalSeconds:F1} s ({perSecond:F0}/s)");
        if (FuzzSettings.ReportPath is { } path)
        {
            await File.AppendAllTextAsync(path, line + "\n");
        }
    }

    /// <summary>A seed per (run, target, chunk): targets do not share inputs, and chunk k is the same whatever the count.</summary>
    private static ulong ChunkSeed(ulong seed, string target, int chunk)
    {
        var hash = 1469598103934665603UL;
        foreach (var c in target)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return seed ^ hash ^ ((ulong)chunk * 0x9E3779B97F4A7C15UL);
    }
}

/// <summary>A property failed on a generated input; the message carries everything needed to replay it.</summary>
public sealed class FuzzFailureException(string message, Exception inner) : Exception(message, inner);
