using Comet.Soak;
using Xunit.Abstractions;

namespace Comet.Hardening.Tests.Soak;

/// <summary>
/// The CI-sized soak (scripts/soak.sh runs the long one): two gateway processes on one redis-server,
/// a few hundred connections churning for about a minute with personal messages and broadcasts flowing.
/// No personal message is lost, duplicated or reordered; memory, open files and threads of each gateway
/// stay within the stated tolerances (docs/reliability.md).
/// </summary>
[Collection(HeavyTests.Name)]
public sealed class ShortSoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_gateways_under_churn_lose_no_personal_message_and_do_not_grow()
    {
        var options = new SoakOptions
        {
            Duration = TimeSpan.FromSeconds(60),
            WarmUp = TimeSpan.FromSeconds(15),
            Connections = 300,
            MinStay = TimeSpan.FromSeconds(1),
            MaxStay = TimeSpan.FromSeconds(6),
            PersonalPerSecond = 60,
            BroadcastsPerSecond = 10,
        };
        using var log = new StringWriter();
        var report = await SoakRun.RunAsync(options, log);
        output.WriteLine(log.ToString());
        output.WriteLine(report.ToString());
        Assert.True(report.Failures().Count == 0, report.ToString());
    }
}
