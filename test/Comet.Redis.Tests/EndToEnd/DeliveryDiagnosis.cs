using System.Globalization;
using Comet.Testing.Clients;

namespace Comet.Redis.Tests.EndToEnd;

/// <summary>
/// Explains what a device's application saw against what was sent to its user: each lost number with
/// when and where it was sent and the device's connections open then (and how they ended), each
/// repeated number with the connections it came on, each step back in the order.
/// </summary>
public static class DeliveryDiagnosis
{
    private const int MaxLines = 15;

    /// <summary>The first lines of <paramref name="lines"/> and how many more there are.</summary>
    public static List<string> Capped(IReadOnlyList<string> lines)
    {
        var capped = lines.Take(MaxLines).ToList();
        if (lines.Count > MaxLines)
        {
            capped.Add(string.Create(CultureInfo.InvariantCulture, $"… and {lines.Count - MaxLines} more like it"));
        }
        return capped;
    }

    /// <summary>The numbers 1..sent that the device never processed.</summary>
    public static List<int> Lost(PersonalMessageDevice device, int sent) =>
        [.. Enumerable.Range(1, sent).Except(device.Processed)];

    /// <summary>Numbers processed more than once, and steps back (a number below the one before).</summary>
    public static List<string> RepeatsAndReorders(PersonalDeliveryChaos run, PersonalMessageDevice device)
    {
        var sent = run.Sender.Log(device.UserId);
        var problems = new List<string>();
        var processed = device.ProcessedOn;
        foreach (var repeat in processed.GroupBy(p => p.Number).Where(g => g.Count() > 1))
        {
            problems.Add($"message {repeat.Key} processed {repeat.Count()} times: {string.Join(", ", repeat.Select(p => Describe(run, device, p)))}; {Sent(run, sent, repeat.Key)}");
        }
        for (var i = 1; i < processed.Count; i++)
        {
            // An equal pair is a repeat, told above.
            if (processed[i].Number < processed[i - 1].Number)
            {
                problems.Add($"message {processed[i].Number} ({Describe(run, device, processed[i])}) came after {processed[i - 1].Number} ({Describe(run, device, processed[i - 1])})");
            }
        }
        return problems;
    }

    /// <summary>Where and when a message was processed, and when its connection began to connect: a
    /// connection that began after the message's INSERT returned was not there when it was sent.</summary>
    private static string Describe(PersonalDeliveryChaos run, PersonalMessageDevice device, ProcessedMessage message)
    {
        var connection = device.Connections[message.Connection - 1];
        return $"on connection #{message.Connection} ({connection.Gateway}, connecting from {run.At(connection.Connecting)} s) at {run.At(message.At)} s{(message.FromQueue ? " from queue" : "")}";
    }

    private static string Sent(PersonalDeliveryChaos run, IReadOnlyList<SentMessage> sent, int number) =>
        number >= 1 && number <= sent.Count
            ? $"sent via {sent[number - 1].Gateway} at {run.At(sent[number - 1].Started)}-{run.At(sent[number - 1].Acknowledged)} s"
            : "never sent";

    /// <summary>Everything wrong with the device's list against exactly 1..sent in order, one line each (at most 15 of a kind).</summary>
    public static List<string> Explain(PersonalDeliveryChaos run, PersonalMessageDevice device)
    {
        var sent = run.Sender.Log(device.UserId);
        var lines = new List<string>();
        var lost = Lost(device, sent.Count);
        foreach (var number in lost.Take(MaxLines))
        {
            var message = sent[number - 1];
            var open = device.Connections.Where(c => c.Connecting <= message.Acknowledged && (c.Closed ?? DateTime.MaxValue) >= message.Started)
                .Select(c => c.Describe(run.Start));
            // The first connection opened after it was sent should have had it resent, if nothing before did.
            var next = device.Connections.FirstOrDefault(c => c.Connecting > message.Acknowledged);
            lines.Add($"message {number} lost: {Sent(run, sent, number)}; "
                + $"the device's connections then: {string.Join(" | ", open.DefaultIfEmpty("none (reconnecting)"))}; "
                + $"the next: {next?.Describe(run.Start) ?? "none"}");
        }
        if (lost.Count > MaxLines)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"… and {lost.Count - MaxLines} more lost"));
        }
        lines.AddRange(Capped(RepeatsAndReorders(run, device)));
        return lines;
    }
}
