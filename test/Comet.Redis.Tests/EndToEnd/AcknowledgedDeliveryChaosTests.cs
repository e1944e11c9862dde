using Comet.Testing.Clients;
using Xunit.Abstractions;

namespace Comet.Redis.Tests.EndToEnd;

/// <summary>
/// Acknowledged personal delivery under chaos (issue 15): devices fail their connections at random (RST,
/// half-open, clean close) on three gateways, one of which is SIGKILLed, while numbered personal messages
/// flow. What each device's application processed is judged, not what the server sent. The acknowledging
/// client must see every message exactly once, in order; CppComet's original client (no acks) keeps
/// today's promise: no duplicate and no reordering, losses allowed and counted.
/// </summary>
public sealed class AcknowledgedDeliveryChaosTests(RedisFixture redis, ITestOutputHelper output) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Every_device_that_reconnects_processes_every_personal_message_exactly_once_in_order()
    {
        await using var run = await PersonalDeliveryChaos.StartAsync(redis, acknowledges: true);
        await run.RunAsync(catchUp: TimeSpan.FromSeconds(30));
        Report(run);

        var problems = new List<string>();
        foreach (var device in run.Devices)
        {
            var sent = run.Sender.SentTo(device.UserId);
            // Errors first: a protocol violation (no seq, a refused ack) explains the losses after it.
            var deviceProblems = DeliveryDiagnosis.Capped(device.Errors);
            deviceProblems.AddRange(DeliveryDiagnosis.Capped(device.MessagesMissed.Select(m => "messagesMissed " + m).ToList()));
            deviceProblems.AddRange(DeliveryDiagnosis.Explain(run, device));
            if (deviceProblems.Count > 0)
            {
                problems.Add($"{device.Name}: processed {device.Processed.Count} of {sent}:\n    {string.Join("\n    ", deviceProblems)}\n{device.History(run.Start)}");
            }
        }
        AssertFaultsHappened(run);
        Assert.True(problems.Count == 0,
            $"{problems.Count} of {run.Devices.Count} devices did not process exactly 1..N in order{(run.CaughtUp ? "" : " (still behind after the 30 s catch-up)")}:\n{string.Join("\n", problems)}");
    }

    [Fact]
    public async Task The_original_client_without_acks_gets_no_duplicate_and_no_reordering()
    {
        await using var run = await PersonalDeliveryChaos.StartAsync(redis, acknowledges: false);
        // Losses are allowed: a device that lost the last messages would never catch up, so wait briefly.
        await run.RunAsync(catchUp: TimeSpan.FromSeconds(5));
        Report(run);

        var problems = new List<string>();
        foreach (var device in run.Devices)
        {
            var sent = run.Sender.SentTo(device.UserId);
            var lost = DeliveryDiagnosis.Lost(device, sent);
            output.WriteLine($"{device.Name}: processed {device.Processed.Count} of {sent}, lost {lost.Count}");
            var deviceProblems = DeliveryDiagnosis.Capped(device.Errors);
            deviceProblems.AddRange(DeliveryDiagnosis.Capped(device.MessagesMissed.Select(m => "messagesMissed " + m).ToList()));
            deviceProblems.AddRange(DeliveryDiagnosis.Capped(DeliveryDiagnosis.RepeatsAndReorders(run, device)));
            if (deviceProblems.Count > 0)
            {
                problems.Add($"{device.Name}:\n    {string.Join("\n    ", deviceProblems)}\n{device.History(run.Start)}");
            }
        }
        AssertFaultsHappened(run);
        Assert.True(problems.Count == 0, $"{problems.Count} of {run.Devices.Count} original clients saw a duplicate, a reordering or an error:\n{string.Join("\n", problems)}");
    }

    private void Report(PersonalDeliveryChaos run)
    {
        output.WriteLine(run.Summary());
        foreach (var device in run.Devices)
        {
            output.WriteLine($"{device.Name}: processed {device.Processed.Count} of {run.Sender.SentTo(device.UserId)} in {device.Connections.Count} connections");
            output.WriteLine(device.History(run.Start));
        }
    }

    /// <summary>A run in which a kind of fault never happened tested less than it claims.</summary>
    private static void AssertFaultsHappened(PersonalDeliveryChaos run)
    {
        foreach (var fault in new[] { ConnectionEnd.Reset, ConnectionEnd.HalfOpen, ConnectionEnd.CleanClose })
        {
            Assert.True(run.Devices.Sum(d => d.Ended(fault)) > 0, $"no {fault} fault happened in the run");
        }
        Assert.True(run.Sender.Total > 0, "no message was sent");
    }
}
