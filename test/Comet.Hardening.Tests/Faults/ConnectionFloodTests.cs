using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Comet.Hardening.Tests.Faults;

/// <summary>
/// Many WebSocket connections at once from one address. Each one either gets the normal greeting or a
/// clear refusal before the upgrade (HTTP 429 from the per-address limit or 503 when the node is full,
/// see docs/security.md); none hangs or gets a reset. Every admitted one is served, and when they all
/// leave nothing of them stays in presence. A client from another address still connects at once.
/// </summary>
public sealed class ConnectionFloodTests
{
    private const int Flood = 800;

    [Fact]
    public Task A_burst_from_one_address_is_admitted_or_refused_cleanly_and_leaves_nothing_behind() =>
        FloodAsync(new Dictionary<string, string>(), expectRefusals: false);

    /// <summary>With the admission limits set low, the excess of the burst gets 429 (per address) or 503
    /// (node full) before the upgrade, and what was admitted is served as usual.</summary>
    [Fact]
    public Task With_admission_limits_the_excess_is_refused_with_429_or_503_and_the_admitted_are_served() =>
        FloodAsync(new Dictionary<string, string>
        {
            ["Comet:WebSocket:NewConnectionsPerIp"] = "300",
            ["Comet:WebSocket:NewConnectionsPerIpPeriod"] = "00:10:00",
            ["Comet:WebSocket:MaxConnections"] = "250",
        }, expectRefusals: true);

    private static async Task FloodAsync(Dictionary<string, string> settings, bool expectRefusals)
    {
        await using var gateway = await TestGateway.StartAsync(settings);
        await using var backend = await CometQLBackend.OpenAsync(gateway);
        var uri = new Uri(gateway.WebSocketUri, CometWebSocketClient.Path());

        var attempts = await Task.WhenAll(Enumerable.Range(0, Flood).Select(_ => Task.Run(() => ConnectAsync(uri))));
        try
        {
            var admitted = attempts.Where(a => a.Socket is not null).Select(a => a.Socket!).ToList();
            var unexpected = attempts.Where(a => a.Socket is null && a.Status is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)).ToList();
            Assert.True(unexpected.Count == 0, $"{unexpected.Count} attempts failed without a clear refusal, e.g. {unexpected.FirstOrDefault().Error}");
            Assert.NotEmpty(admitted);
            Assert.Equal(expectRefusals, admitted.Count < Flood);

            await Task.WhenAll(admitted.Select(s => SendAsync(s, "subscription\nweb_flood")));
            await Wait.UntilAsync(async () => await backend.SubscribersAsync("web_flood") == admitted.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"all {admitted.Count} admitted connections to be subscribed");
            await backend.ExecuteAsync("INSERT INTO pipes_messages (name, event, message) VALUES ('web_flood', 'e', 'to everyone')");
            var got = await Task.WhenAll(admitted.Select(s => ReceivesAsync(s, "to everyone")));
            Assert.All(got, Assert.True);
        }
        finally
        {
            await Task.WhenAll(attempts.Where(a => a.Socket is not null).Select(a => CloseAsync(a.Socket!)));
        }
        await Wait.UntilAsync(async () => await backend.SubscribersAsync("web_flood") == "0", "every flood connection to leave presence");

        // Another address is not held back by the first one's burst.
        using var other = new ClientWebSocket();
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler { ConnectCallback = ConnectFrom127_0_0_2 });
        await other.ConnectAsync(uri, invoker, CancellationToken.None);
        Assert.Equal(WebSocketState.Open, other.State);
    }

    private static async Task<(ClientWebSocket? Socket, HttpStatusCode Status, Exception? Error)> ConnectAsync(Uri uri)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await socket.ConnectAsync(uri, timeout.Token);
            return (socket, HttpStatusCode.SwitchingProtocols, null);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            return (null, status, exception);
        }
    }

    private static Task SendAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<bool> ReceivesAsync(ClientWebSocket socket, string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var buffer = new byte[8192];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return false;
            }
            if (Encoding.UTF8.GetString(buffer, 0, result.Count).Contains(text, StringComparison.Ordinal))
            {
                return true;
            }
        }
    }

    private static async Task CloseAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
        }
        socket.Dispose();
    }

    private static async ValueTask<Stream> ConnectFrom127_0_0_2(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
