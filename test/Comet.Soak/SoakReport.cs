using System.Globalization;
using System.Text;

namespace Comet.Soak;

/// <summary>The figures of a soak run and the verdict against its tolerances.</summary>
public sealed record SoakReport(
    SoakOptions Options,
    IReadOnlyList<ResourceSample> Samples,
    IReadOnlyList<(long UserId, int Sent, (int Missing, int Duplicated, int OutOfOrder) Check)> Personal,
    long Connects,
    long ConnectFailures,
    long BroadcastLines,
    long SendFailures)
{
    /// <summary>Every broken promise or tolerance, in words; empty when the run passed.</summary>
    public IReadOnlyList<string> Failures()
    {
        var failures = new List<string>();
        foreach (var node in Samples.Select(s => s.Node).Distinct())
        {
            var before = Sample(node, "idle before");
            var start = Sample(node, "loaded start");
            var end = Sample(node, "loaded end");
            var after = Sample(node, "idle after");
            Check(failures, node, "RSS", start.RssBytes, end.RssBytes, (long)(start.RssBytes * Options.RssGrowth) + Options.RssSlackBytes);
            Check(failures, node, "GC heap", start.GcHeapBytes, end.GcHeapBytes, (long)(start.GcHeapBytes * Options.HeapGrowth) + Options.HeapSlackBytes);
            Check(failures, node, "threads", start.Threads, end.Threads, Options.ThreadSlack);
            Check(failures, node, "open files (loaded)", start.OpenFiles, end.OpenFiles, (long)(Options.Connections * Options.LoadedFileGrowth) + 32);
            Check(failures, node, "open files (idle)", before.OpenFiles, after.OpenFiles, Options.IdleFileSlack);
        }
        var missing = Personal.Sum(p => p.Check.Missing);
        var duplicated = Personal.Sum(p => p.Check.Duplicated);
        var outOfOrder = Personal.Sum(p => p.Check.OutOfOrder);
        if (missing + duplicated + outOfOrder > 0)
        {
            failures.Add($"personal messages: {missing} lost, {duplicated} duplicated, {outOfOrder} out of order");
        }
        if (Personal.Sum(p => p.Sent) == 0)
        {
            failures.Add("no personal message was sent");
        }
        if (SendFailures > 0)
        {
            failures.Add($"{SendFailures} backend INSERTs failed");
        }
        if (ConnectFailures > Connects / 100)
        {
            failures.Add($"{ConnectFailures} of {Connects} connects failed (more than 1%)");
        }
        return failures;
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"node",-8} {"phase",-13} {"RSS MiB",8} {"GC heap MiB",12} {"open fds",9} {"threads",8}");
        foreach (var s in Samples)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{s.Node,-8} {s.Phase,-13} {s.RssBytes / 1048576.0,8:F1} {s.GcHeapBytes / 1048576.0,12:F1} {s.OpenFiles,9} {s.Threads,8}");
        }
        text.AppendLine(CultureInfo.InvariantCulture,
            $"connects {Connects} ({ConnectFailures} failed), personal messages sent {Personal.Sum(p => p.Sent)} to {Personal.Count} users " +
            $"(lost {Personal.Sum(p => p.Check.Missing)}, duplicated {Personal.Sum(p => p.Check.Duplicated)}, out of order {Personal.Sum(p => p.Check.OutOfOrder)}), " +
            $"broadcast messages received {BroadcastLines}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"tolerances: loaded end vs start RSS +{Options.RssGrowth:P0}+{Options.RssSlackBytes >> 20} MiB, GC heap +{Options.HeapGrowth:P0}+{Options.HeapSlackBytes >> 20} MiB, " +
            $"threads +{Options.ThreadSlack}, open fds +{Options.LoadedFileGrowth:P0} of connections+32; idle after vs before open fds +{Options.IdleFileSlack}");
        var failures = Failures();
        text.Append(failures.Count == 0 ? "PASS" : "FAIL: " + string.Join("; ", failures));
        return text.ToString();
    }

    private ResourceSample Sample(string node, string phase) => Samples.Single(s => s.Node == node && s.Phase == phase);

    private static void Check(List<string> failures, string node, string what, long start, long end, long allowed)
    {
        if (end - start > allowed)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{node}: {what} grew from {start} to {end} (allowed +{allowed})"));
        }
    }
}
