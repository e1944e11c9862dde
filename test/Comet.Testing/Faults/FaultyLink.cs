using System.Net;
using System.Net.Sockets;

namespace Comet.Testing.Faults;

/// <summary>
/// A TCP proxy for exactly one connection: it listens on a loopback port of its own, takes the first
/// connection and relays it to <c>upstream</c>, byte for byte, until told to fail it like a network does.
/// One link per connection means the client that opened it is the one that breaks it; no bookkeeping of
/// which proxied connection belongs to whom.
/// <list type="bullet">
/// <item><see cref="Reset"/>: both legs are closed with linger 0, so both peers get an RST and lose what
/// was still in flight.</item>
/// <item><see cref="HalfOpen"/>: nothing is forwarded any more either way; the client's leg is closed at
/// once (the client notices and reconnects), the upstream's leg stays open and silent: what the server
/// writes is read and thrown away, as a network that dropped the client would, so the server keeps
/// writing into a dead connection until its own keep-alive gives up on it.</item>
/// </list>
/// A clean close is not the proxy's business: the client sends a WebSocket close and the link relays it
/// and both FINs.
/// </summary>
public sealed class FaultyLink : IAsyncDisposable
{
    private static readonly TimeSpan AcceptTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener;
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _dispose = new();
    private readonly Lock _lock = new();
    private readonly Task _run;
    private Socket? _client;
    private Socket? _server;
    private volatile LinkState _state = LinkState.Forwarding;
    private volatile bool _upstreamClosed;

    private FaultyLink(IPEndPoint upstream)
    {
        _upstream = upstream;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(1);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _run = Task.Run(RunAsync);
    }

    private enum LinkState
    {
        Forwarding,
        Reset,
        HalfOpen,
    }

    /// <summary>The loopback port the client connects to.</summary>
    public int Port { get; }

    /// <summary>ws://127.0.0.1:<see cref="Port"/>.</summary>
    public Uri WebSocketUri => new($"ws://127.0.0.1:{Port}");

    /// <summary>Completes when both legs are closed (for a half-open link: when the server gave up).</summary>
    public Task Completed => _run;

    /// <summary>True once the upstream's leg is closed (the link holds nothing open at the server any more).</summary>
    public bool UpstreamClosed => _upstreamClosed;

    /// <summary>Starts a link to <paramref name="upstream"/>; it accepts one connection within 10 s.</summary>
    public static FaultyLink Start(IPEndPoint upstream) => new(upstream);

    /// <summary>Starts a link to a gateway's HTTP/WebSocket port.</summary>
    public static FaultyLink Start(GatewayProcess gateway) => new(new IPEndPoint(IPAddress.Loopback, gateway.HttpPort));

    /// <summary>Resets both legs (RST to the client and to the server).</summary>
    public void Reset()
    {
        lock (_lock)
        {
            if (_state != LinkState.Forwarding)
            {
                return;
            }
            _state = LinkState.Reset;
            Abort(_client);
            Abort(_server);
        }
    }

    /// <summary>Stops forwarding; closes the client's leg, keeps the server's open and silent.</summary>
    public void HalfOpen()
    {
        lock (_lock)
        {
            if (_state != LinkState.Forwarding)
            {
                return;
            }
            _state = LinkState.HalfOpen;
            // A FIN, not a dispose: disposing a socket with a read pending aborts it with an RST on Linux.
            try
            {
                _client?.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>Closes whatever is still open (a half-open leg included) and waits for the relay to end.</summary>
    public async ValueTask DisposeAsync()
    {
        await _dispose.CancelAsync();
        lock (_lock)
        {
            _client?.Dispose();
            _server?.Dispose();
        }
        _listener.Stop();
        await _run;
        _dispose.Dispose();
    }

    private static void Abort(Socket? socket)
    {
        if (socket is null)
        {
            return;
        }
        try
        {
            // Linger 0: close() sends an RST instead of a FIN and drops unsent data.
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        socket.Dispose();
    }

    private async Task RunAsync()
    {
        try
        {
            Socket client;
            using (var accept = CancellationTokenSource.CreateLinkedTokenSource(_dispose.Token))
            {
                accept.CancelAfter(AcceptTimeout);
                client = await _listener.AcceptSocketAsync(accept.Token);
            }
            _listener.Stop();
            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.NoDelay = true;
            lock (_lock)
            {
                _client = client;
                _server = server;
            }
            try
            {
                await server.ConnectAsync(_upstream, _dispose.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Nothing listens there (a killed gateway): the client sees its connection refused, as it would.
                Abort(client);
                server.Dispose();
                _upstreamClosed = true;
                return;
            }
            await Task.WhenAll(PumpAsync(client, server, fromClient: true), PumpAsync(server, client, fromClient: false));
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Never connected, or disposed while accepting.
        }
        finally
        {
            _listener.Stop();
            lock (_lock)
            {
                _client?.Dispose();
                _server?.Dispose();
            }
            _upstreamClosed = true;
        }
    }

    /// <summary>Relays one direction; an end or a failure of one side is passed on to the other as the
    /// same kind (FIN as FIN, RST as RST), unless a fault decided otherwise.</summary>
    private async Task PumpAsync(Socket from, Socket to, bool fromClient)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            int read;
            try
            {
                read = await from.ReceiveAsync(buffer, SocketFlags.None);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                if (_state == LinkState.Forwarding)
                {
                    Abort(to);
                }
                else if (!fromClient)
                {
                    _server?.Dispose();
                }
                return;
            }
            if (read == 0)
            {
                OnEndOfStream(to, fromClient);
                return;
            }
            if (_state != LinkState.Forwarding)
            {
                // Half-open: the server's bytes vanish in the network; a reset link reads nothing more.
                continue;
            }
            try
            {
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                if (_state == LinkState.Forwarding)
                {
                    Abort(from);
                }
                else if (!fromClient)
                {
                    // Half-open while this chunk was on its way to the client: keep draining the server.
                    continue;
                }
                return;
            }
        }
    }

    private void OnEndOfStream(Socket to, bool fromClient)
    {
        if (_state == LinkState.Forwarding)
        {
            try
            {
                to.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }
        else if (!fromClient)
        {
            // The server closed the half-open leg at last (its keep-alive timed out).
            _server?.Dispose();
        }
    }
}
