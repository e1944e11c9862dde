using System.Globalization;
using System.Text;
using Comet.Testing.Clients;

namespace Comet.Redis.Tests.EndToEnd;

/// <summary>
/// One chaos run: three gateways on one Redis, users with two or three devices each, a backend inserting
/// numbered personal messages on random gateways at a steady rate, every device failing its connection at
/// random every 1-2 s (RST, half-open, clean close) and reconnecting at once to a random gateway, and the
/// third gateway SIGKILLed midway. Then the faults stop and every device gets a while to catch up. The
/// run only records; the tests judge.
/// </summary>
public sealed class PersonalDeliveryChaos : IAsyncDisposable
{
    private static readonly int[] DevicesPerUser = [2, 3, 2, 3];
    private static readonly TimeSpan SendInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Traffic = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan KillAfter = TimeSpan.FromSeconds(9);

    private readonly GatewayProcessCluster _cluster;
    private readonly List<Task> _running = [];

    private PersonalDeliveryChaos(GatewayProcessCluster cluster, bool acknowledges)
    {
        _cluster = cluster;
        Gateways = new LiveGateways(cluster.Nodes);
        var users = Enumerable.Range(1, DevicesPerUser.Length).Select(u => (long)u).ToList();
        Sender = new NumberedPersonalSender(Gateways, users, SendInterval);
        Devices = [.. users.SelectMany(user => Enumerable.Range(1, DevicesPerUser[user - 1]).Select(device =>
            new PersonalMessageDevice($"user {user} device {device}", user, Hash(user), acknowledges, Gateways.Pick)))];
    }

    public LiveGateways Gateways { get; }
    public NumberedPersonalSender Sender { get; }
    public IReadOnlyList<PersonalMessageDevice> Devices { get; }
    public DateTime Start { get; private set; }
    /// <summary>The kill waits for the INSERT in flight, and a SIGKILLed process takes a while to be
    /// gone: it happened between <see cref="KillStarted"/> and <see cref="KilledAt"/>; no message was
    /// sent in between.</summary>
    public DateTime KillStarted { get; private set; }
    public DateTime KilledAt { get; private set; }
    public string KilledGateway { get; private set; } = "";

    /// <summary>Devices connected to the killed gateway just before the kill.</summary>
    public int KilledWith { get; private set; }

    /// <summary>True when every device processed up to the last message sent to its user.</summary>
    public bool CaughtUp { get; private set; }

    /// <summary>Starts the cluster and the devices; <see cref="RunAsync"/> does the rest.</summary>
    public static async Task<PersonalDeliveryChaos> StartAsync(RedisFixture redis, bool acknowledges)
    {
        var cluster = await GatewayProcessCluster.StartAsync(redis.Server.Configuration, 3, new Dictionary<string, string>
        {
            // A half-open connection is found and dropped by the gateway within about 3.5 s, as
            // HalfOpenConnectionTests does (short, yet no false alarm on a busy two-core machine).
            ["Comet:WebSocket:KeepAliveInterval"] = "00:00:00.500",
            ["Comet:WebSocket:KeepAliveTimeout"] = "00:00:03",
        });
        return new PersonalDeliveryChaos(cluster, acknowledges);
    }

    /// <summary>The whole run; <paramref name="catchUp"/> bounds the wait for the devices after the traffic.</summary>
    public async Task RunAsync(TimeSpan catchUp)
    {
        foreach (var user in Devices.Select(d => d.UserId).Distinct())
        {
            await CometQLBackend.ExecuteAsync(_cluster.Nodes[0], $"INSERT INTO users_auth (id, hash) VALUES ({user}, '{Hash(user)}')");
        }
        using var stopDevices = new CancellationTokenSource();
        var devices = Devices.Select(d => Task.Run(() => d.RunAsync(stopDevices.Token))).ToList();
        _running.AddRange(devices);
        // Every device online before the first message: a device's first connection gets only what is
        // sent from then on (with ack=0 there is nothing it could ask to be resent).
        await Wait.UntilAsync(() => Devices.Where(d => !d.Connected.IsCompleted).Select(d => d.Name).ToList(), waiting => waiting.Count == 0,
            "every device to be greeted on its first connection");

        Start = DateTime.UtcNow;
        foreach (var device in Devices)
        {
            device.FaultsEnabled = true;
        }
        using var stopSending = new CancellationTokenSource();
        var sending = Task.Run(() => Sender.RunAsync(stopSending.Token));
        _running.Add(sending);
        await WhileRunningAsync(KillAfter);
        // The gateway most devices are on, so that the kill cuts connections, not just a process.
        var victim = _cluster.Nodes.MaxBy(OpenConnectionsOn)!;
        KilledWith = OpenConnectionsOn(victim);
        KillStarted = DateTime.UtcNow;
        await Gateways.KillAsync(victim);
        KilledAt = DateTime.UtcNow;
        KilledGateway = victim.NodeName;
        await WhileRunningAsync(Traffic - KillAfter);
        await stopSending.CancelAsync();
        await sending;

        foreach (var device in Devices)
        {
            device.FaultsEnabled = false;
        }
        var behind = await Wait.ReadUntilAsync(() => Task.FromResult(Behind()), b => b.Count == 0 || _running.Any(t => t.IsFaulted), catchUp);
        CaughtUp = behind.Count == 0;

        await stopDevices.CancelAsync();
        await Task.WhenAll(devices);
    }

    /// <summary>The devices that have not processed the last message sent to their user yet.</summary>
    public List<PersonalMessageDevice> Behind() => [.. Devices.Where(d => d.LastProcessed < Sender.SentTo(d.UserId))];

    /// <summary>Seconds since the traffic started.</summary>
    public string At(DateTime time) => ((time - Start).TotalSeconds).ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>The counts of the run, for the test output.</summary>
    public string Summary()
    {
        var text = new StringBuilder();
        var mode = Devices[0].Acknowledges ? "acknowledging client" : "original client (no acks)";
        var connections = Devices.Sum(d => d.Connections.Count);
        text.AppendLine(CultureInfo.InvariantCulture, $"{mode}: {Devices.Count} devices of {Devices.Select(d => d.UserId).Distinct().Count()} users on 3 gateways; {KilledGateway} SIGKILLed between {At(KillStarted)} and {At(KilledAt)} s with {KilledWith} devices on it");
        text.AppendLine(CultureInfo.InvariantCulture, $"messages sent: {Sender.Total} ({string.Join(", ", Devices.Select(d => d.UserId).Distinct().Select(u => $"user {u}: {Sender.SentTo(u)}"))})");
        text.AppendLine(CultureInfo.InvariantCulture, $"faults: {Count(ConnectionEnd.Reset)} RST, {Count(ConnectionEnd.HalfOpen)} half-open, {Count(ConnectionEnd.CleanClose)} clean close");
        text.AppendLine(CultureInfo.InvariantCulture, $"other ends: {Count(ConnectionEnd.Broken)} broken (killed gateway, refused greeting), {Count(ConnectionEnd.ClosedByServer)} closed by the server");
        text.AppendLine(CultureInfo.InvariantCulture, $"connections: {connections} ({connections - Devices.Count} reconnects), {Devices.Sum(d => d.FailedConnects)} failed connects");
        text.AppendLine(CultureInfo.InvariantCulture, $"processed: {Devices.Sum(d => d.Processed.Count)} messages, {Sum(c => c.FromQueue)} of them from queue; {Sum(c => c.Dropped)} dropped as already seen; {Sum(c => c.Unread)} unread at a fault; {Sum(c => c.Acks)} acks sent");
        var expected = Devices.Sum(d => Sender.SentTo(d.UserId));
        var lost = expected - Devices.Sum(d => d.Processed.Where(n => n <= Sender.SentTo(d.UserId)).Distinct().Count());
        text.AppendLine(CultureInfo.InvariantCulture, $"lost: {lost} of the {expected} messages due to the devices");
        text.AppendLine(CultureInfo.InvariantCulture, $"messagesMissed events: {Devices.Sum(d => d.MessagesMissed.Count)}; errors: {Devices.Sum(d => d.Errors.Count)}");
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var device in Devices)
        {
            await device.DisposeAsync();
        }
        await Sender.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    private static string Hash(long user) => string.Create(CultureInfo.InvariantCulture, $"chaosack{user}");

    private int OpenConnectionsOn(GatewayProcess node) =>
        Devices.Count(d => d.Connections is [.., { End: ConnectionEnd.Open } last] && last.Gateway == node.NodeName);

    private int Count(ConnectionEnd end) => Devices.Sum(d => d.Ended(end));

    private int Sum(Func<DeviceConnection, int> count) => Devices.Sum(d => d.Connections.Sum(count));

    /// <summary>Waits, but no longer once a device or the sender failed (its exception is the story).</summary>
    private async Task WhileRunningAsync(TimeSpan time)
    {
        var failed = Task.WhenAny(_running.Where(t => !t.IsCompleted));
        await Task.WhenAny(Task.Delay(time), failed);
        if (_running.FirstOrDefault(t => t.IsFaulted) is { } fault)
        {
            await fault;
        }
    }
}
