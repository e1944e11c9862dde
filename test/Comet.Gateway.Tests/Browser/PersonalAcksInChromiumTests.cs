using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Comet.Gateway.Tests.Browser;

/// <summary>
/// Acknowledged personal delivery as a page with our client lives it (test/clients/browser/acks.js):
/// numbered personal messages reach the application exactly once and in order across cut connections,
/// resent repeats and a tab hand-over; the client resumes after what it processed and acknowledges it,
/// and the gateway acts on the acknowledgements; what the gateway could not keep is reported.
/// </summary>
public sealed partial class PersonalAcksInChromiumTests(PersonalAcksRun run) : IClassFixture<PersonalAcksRun>
{
    private readonly JsonObject _report = run.Report;

    [Fact]
    public void The_pages_ran_without_script_errors_or_sys_errors()
    {
        Assert.Empty(_report["pageErrors"]!.AsArray());
        // The pages of the scenarios that ran to their end (the others fail their own tests).
        JsonNode?[] pages =
        [
            _report["acks"], _report["optOut"], _report["resume"], _report["tabsLeader"],
            _report["tabs"]?["tookOver"], _report["tabs"]?["followed"], _report["first"], _report["missed"],
        ];
        var errors = pages.OfType<JsonNode>().SelectMany(p => p["sys"]!.AsArray()).Where(e => e!["event"]!.GetValue<string>() == "error");
        Assert.Empty(errors.Select(e => e!.ToJsonString()));
    }

    [Fact]
    public void A_page_sees_every_message_once_in_order_across_two_cuts_and_resent_repeats()
    {
        AssertExactlyOnceInOrder(Scenario("resume"), 30);
    }

    [Fact]
    public void Each_connect_asks_to_resume_after_the_last_message_the_page_processed()
    {
        var resume = Scenario("resume");
        var sockets = Opened(resume);
        Assert.True(sockets.Count == 3, $"expected 3 connections (first, after each cut), got {sockets.Count}: {resume["sockets"]!.ToJsonString()}");
        Assert.Equal(0, AckInUrl(sockets[0]["askedUrl"]!));
        Assert.Equal(Seq(resume, 10), AckInUrl(sockets[1]["askedUrl"]!));
        Assert.Equal(Seq(resume, 25), AckInUrl(sockets[2]["askedUrl"]!));
        // 11-20 were written into the held connection: the gateway resent them on the next one.
        Assert.Subset(Seqs(sockets[1]), Enumerable.Range(11, 10).Select(n => Seq(resume, n)).ToHashSet());
    }

    [Fact]
    public void Messages_the_gateway_resends_after_the_page_processed_them_are_dropped()
    {
        var resume = Scenario("resume");
        // The second connection's acks were swallowed, so the gateway kept 21-25 after its cut.
        Assert.NotEmpty(Opened(resume)[1]["dropped"]!.AsArray());
        var third = Opened(resume)[2];
        // The third connection asked for everything after 20 (injected), though the page had processed 25.
        Assert.Equal(Seq(resume, 20), AckInUrl(third["url"]!));
        var repeats = Enumerable.Range(21, 5).Select(n => Seq(resume, n)).ToHashSet();
        Assert.Subset(Seqs(third), repeats);
        Assert.Equal([21, 22, 23, 24, 25], Messages(resume).Where(m => repeats.Contains(m.Seq)).Select(m => m.N));
    }

    [Fact]
    public void Acks_are_cumulative_batched_per_second_or_64_and_sent_for_the_last_message()
    {
        var acks = Scenario("acks");
        var messages = Messages(acks);
        AssertExactlyOnceInOrder(acks, 70);
        var sent = Opened(acks).SelectMany(s => s["sent"]!.AsArray())
            .Select(c => (Text: c!["text"]!.GetValue<string>(), At: c["at"]!.GetValue<long>()))
            .Where(c => c.Text.StartsWith("ack\n", StringComparison.Ordinal))
            .Select(c => (Seq: long.Parse(c.Text[4..], CultureInfo.InvariantCulture), c.At))
            .ToList();
        Assert.NotEmpty(sent);
        Assert.Equal(Seq(acks, 70), sent[^1].Seq);
        var processed = messages.Select(m => m.Seq).ToHashSet();
        Assert.All(sent, a => Assert.Contains(a.Seq, processed));
        for (var i = 1; i < sent.Count; i++)
        {
            var (previous, next) = (sent[i - 1], sent[i]);
            Assert.True(next.Seq > previous.Seq, $"ack {next.Seq} after {previous.Seq} is not cumulative");
            var between = messages.Count(m => m.Seq > previous.Seq && m.Seq <= next.Seq);
            Assert.True(next.At - previous.At >= 990 || between >= 64,
                $"ack {next.Seq} came {next.At - previous.At} ms after {previous.Seq} for only {between} messages");
        }
        // Never more than 64 processed and unacknowledged: the 64th is acknowledged at once.
        foreach (var m in messages)
        {
            var acked = sent.Where(a => a.At <= m.At && a.Seq < m.Seq).Select(a => a.Seq).DefaultIfEmpty(0).Max();
            var unacked = messages.Count(x => x.Seq > acked && x.Seq <= m.Seq);
            Assert.True(unacked <= 64, $"{unacked} messages were unacknowledged at message {m.N}");
        }
    }

    [Fact]
    public void The_gateway_drops_what_was_acknowledged_so_a_resume_from_the_first_message_hears_messagesMissed()
    {
        var acks = Scenario("acks");
        var probe = _report["probe"]!.AsArray();
        Assert.Contains(probe, m => m!["event"]?.GetValue<string>() == "serverInfo" && m["authorized"]!.GetValue<bool>());
        Assert.DoesNotContain(probe, m => m!["pipe"]?.GetValue<string>() == "msg");
        var notices = probe.Where(m => m!["event"]?.GetValue<string>() == "messagesMissed").ToList();
        Assert.True(notices.Count == 1, $"expected one messagesMissed; the probe got {probe.ToJsonString()}");
        var missed = notices[0]!;
        Assert.Equal("sys", missed["pipe"]!.GetValue<string>());
        Assert.Equal(Seq(acks, 1) + 1, missed["data"]!["from"]!.GetValue<long>());
        Assert.Equal(Seq(acks, 70), missed["data"]!["to"]!.GetValue<long>());
    }

    [Fact]
    public void Tabs_each_see_every_message_once_in_order_across_a_leader_hand_over()
    {
        var tabs = Scenario("tabs");
        AssertExactlyOnceInOrder(tabs["tookOver"]!, 20);
        AssertExactlyOnceInOrder(tabs["followed"]!, 20);
    }

    [Fact]
    public void The_tab_that_takes_over_resumes_after_what_it_processed_and_gets_what_the_closed_leader_never_did()
    {
        var tabs = Scenario("tabs");
        var leader = _report["tabsLeader"]!;
        Assert.Equal([.. Enumerable.Range(1, 10)], Messages(leader).Select(m => m.N));
        var tookOver = tabs["tookOver"]!;
        var socket = Opened(tookOver)[0];
        Assert.Equal(Seq(tookOver, 10), AckInUrl(socket["askedUrl"]!));
        Assert.Subset(Seqs(socket), Enumerable.Range(11, 5).Select(n => Seq(tookOver, n)).ToHashSet());
    }

    [Fact]
    public void A_first_connection_cut_before_any_message_arrived_resumes_after_the_ackSeq_of_its_serverInfo()
    {
        var first = Scenario("first");
        AssertExactlyOnceInOrder(first, 3);
        var sockets = Opened(first);
        Assert.True(sockets.Count == 2, $"expected 2 connections (first, after the cut), got {sockets.Count}: {first["sockets"]!.ToJsonString()}");
        Assert.Equal(0, AckInUrl(sockets[0]["askedUrl"]!));
        var ackSeq = sockets[0]["ackSeq"] ?? throw new Xunit.Sdk.XunitException($"the first serverInfo had no ackSeq: {sockets[0].ToJsonString()}");
        // The seq just before the first message the connection would get.
        Assert.Equal(Seq(first, 1) - 1, ackSeq.GetValue<long>());
        Assert.Equal(ackSeq.GetValue<long>(), AckInUrl(sockets[1]["askedUrl"]!));
    }

    [Fact]
    public void A_page_is_told_which_messages_the_gateway_could_no_longer_resend()
    {
        var missed = Scenario("missed");
        int[] kept = [1, 2, 3, .. Enumerable.Range(14 - PersonalAcksRun.NarrowWindow, PersonalAcksRun.NarrowWindow)];
        Assert.Equal(kept, Messages(missed).Select(m => m.N));
        var ranges = missed["missed"]!.AsArray();
        Assert.True(ranges.Count == 1, $"expected one onMessagesMissed call, got {ranges.ToJsonString()}; sys events {missed["sys"]!.ToJsonString()}");
        var range = ranges[0]!;
        Assert.Equal(Seq(missed, 3) + 1, range["from"]!.GetValue<long>());
        // One user's seqs are consecutive unless its queue state is recreated, which nothing here does.
        Assert.Equal(Seq(missed, kept[3]) - 1, range["to"]!.GetValue<long>());
        var sysMissed = Assert.Single(missed["sys"]!.AsArray(), e => e!["event"]!.GetValue<string>() == "messagesMissed")!;
        Assert.True(JsonNode.DeepEquals(range, sysMissed["data"]), $"sys event {sysMissed.ToJsonString()} and callback {range.ToJsonString()} differ");
    }

    [Fact]
    public void With_ack_false_the_page_connects_as_cppcomets_client()
    {
        var optOut = Scenario("optOut");
        var socket = Assert.Single(Opened(optOut));
        Assert.DoesNotContain("&ack=", socket["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal([1, 2], Messages(optOut).Select(m => m.N));
        Assert.All(optOut["messages"]!.AsArray(), m => Assert.Null(m!["seq"]));
        Assert.DoesNotContain(socket["sent"]!.AsArray(), c => c!["text"]!.GetValue<string>().StartsWith("ack\n", StringComparison.Ordinal));
    }

    /// <summary>What the scenario's page saw (its report entry has the scenario's name), or the scenario's error.</summary>
    private JsonNode Scenario(string name)
    {
        if (_report["failed"]?[name] is { } error)
        {
            throw new Xunit.Sdk.XunitException($"The {name} scenario of acks.js failed: {error.GetValue<string>()}");
        }
        return _report[name] ?? throw new Xunit.Sdk.XunitException($"acks.js reported nothing for {name}.");
    }

    private static void AssertExactlyOnceInOrder(JsonNode page, int count)
    {
        var messages = Messages(page);
        Assert.True(messages.Select(m => m.N).SequenceEqual(Enumerable.Range(1, count)),
            $"expected messages 1..{count} once each, in order; the page saw {string.Join(",", messages.Select(m => m.N))}");
        for (var i = 1; i < messages.Count; i++)
        {
            Assert.True(messages[i].Seq > messages[i - 1].Seq, $"seq {messages[i].Seq} of message {messages[i].N} is not above {messages[i - 1].Seq}");
        }
    }

    private static List<(int N, long Seq, long At)> Messages(JsonNode page) =>
        [.. page["messages"]!.AsArray().Select(m => (m!["n"]!.GetValue<int>(), m["seq"]?.GetValue<long>() ?? 0, m["at"]!.GetValue<long>()))];

    private static long Seq(JsonNode page, int n) => Messages(page).First(m => m.N == n).Seq;

    private static List<JsonNode> Opened(JsonNode page) =>
        [.. page["sockets"]!.AsArray().Where(s => s!["opened"]!.GetValue<bool>()).Select(s => s!)];

    private static HashSet<long> Seqs(JsonNode socket) => [.. socket["seqs"]!.AsArray().Select(s => s!.GetValue<long>())];

    private static long AckInUrl(JsonNode url)
    {
        var match = AckParameter().Match(url.GetValue<string>());
        Assert.True(match.Success, $"no ack= in {url.GetValue<string>()}");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("&ack=([0-9]+)")]
    private static partial Regex AckParameter();
}
