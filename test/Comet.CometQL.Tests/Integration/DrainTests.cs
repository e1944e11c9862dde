using System.Reflection;
using System.Text;
using Comet.Core;
using Comet.Core.Engine;
using Comet.Core.Memory;
using Comet.Node;
using Comet.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Comet.CometQL.Tests.Integration;

/// <summary>
/// When the host stops, CometQL drains: idle sessions close, a statement sent during the drain is
/// not started, and a new connection gets error 1053 instead of the greeting.
/// </summary>
public sealed class DrainTests
{
    [Fact]
    public async Task During_drain_idle_sessions_close_and_new_connections_get_1053()
    {
        var gateway = await TestGateway.StartAsync();
        var lifetime = gateway.Services.GetRequiredService<IHostApplicationLifetime>();
        // Hold the stop sequence in ApplicationStopping (as a drain delay does) so that the port still accepts.
        using var release = new ManualResetEventSlim();
        using var holding = new ManualResetEventSlim();
        lifetime.ApplicationStopping.Register(() =>
        {
            holding.Set();
            release.Wait(TimeSpan.FromSeconds(60));
        });
        await using var idle = await RawMySqlClient.ConnectAsync(gateway.CometQLPort);
        await idle.LoginAsync();
        Assert.Equal(0x00, (await idle.CommandAsync(0x0E, []))[0]);
        var port = gateway.CometQLPort;

        var stopping = Task.Run(lifetime.StopApplication);
        Assert.True(holding.Wait(TimeSpan.FromSeconds(30)));
        try
        {
            Assert.True(await idle.IsClosedByServerAsync());
            using var tcp = new System.Net.Sockets.TcpClient();
            await tcp.ConnectAsync("127.0.0.1", port);
            var packet = new byte[256];
            var read = 0;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (read < 4 || read < 4 + packet[0])
            {
                var n = await tcp.GetStream().ReadAsync(packet.AsMemory(read), timeout.Token);
                Assert.NotEqual(0, n);
                read += n;
            }
            Assert.Equal(0xFF, packet[4]);
            Assert.Equal(1053, packet[5] | (packet[6] << 8));
            Assert.Contains("Server shutdown in progress", Encoding.UTF8.GetString(packet, 7, read - 7), StringComparison.Ordinal);
        }
        finally
        {
            release.Set();
            await stopping;
            await gateway.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_statement_in_flight_when_the_drain_starts_is_answered_then_the_session_closes()
    {
        var engine = new GatedEngine();
        await using var server = InMemoryCometQL.Create(services =>
        {
            services.AddMemoryEngine();
            services.AddSingleton<ICometEngine>(sp => engine.Wrap(sp.GetRequiredService<MemoryEngine>()));
        });
        await server.Services.GetRequiredService<CometNode>().StartAsync(CancellationToken.None);
        var (client, run) = await server.ConnectAsync();
        await using var _ = client;
        await client.LoginAsync();

        var answer = client.QueryAsync("SELECT * FROM users_time WHERE id = 1");
        Assert.True(engine.Entered.Wait(TimeSpan.FromSeconds(30)), "the statement did not reach the engine");
        server.Lifetime.StopApplication();
        var (late, lateRun) = server.ConnectStream();
        await using (late)
        {
            var refused = await ReadPacketAsync(late);
            Assert.Equal((1053, "Server shutdown in progress"), RawMySqlClient.Error(refused));
            await lateRun.WaitAsync(TimeSpan.FromSeconds(30));
        }

        engine.Release();
        var first = await answer;
        Assert.True(first[0] != 0xFF, "An error instead of the answer: " + Encoding.UTF8.GetString(first));
        var rows = await client.ReadResultSetAsync(first);
        // One text row: the length-prefixed strings "1" (id) and "-1" (never seen).
        Assert.Equal([1, (byte)'1', 2, (byte)'-', (byte)'1'], rows.Single());
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(await client.IsClosedByServerAsync());
    }

    private static async Task<byte[]> ReadPacketAsync(Stream stream)
    {
        var header = new byte[4];
        await stream.ReadExactlyAsync(header);
        var payload = new byte[header[0] | (header[1] << 8) | (header[2] << 16)];
        await stream.ReadExactlyAsync(payload);
        return payload;
    }

    /// <summary>An engine whose store calls wait at a gate (the statement stays in flight) until released.</summary>
    internal sealed class GatedEngine
    {
        private readonly ManualResetEventSlim _gate = new();

        public ManualResetEventSlim Entered { get; } = new();

        public void Release() => _gate.Set();

        public void WaitAtGate() => _gate.Wait(TimeSpan.FromSeconds(60));

        public ICometEngine Wrap(ICometEngine inner) => new Engine(inner, this);

        private sealed class Engine(ICometEngine inner, GatedEngine gate) : ICometEngine
        {
            public string Name => inner.Name;
            public IUserStore Users { get; } = GatedProxy.Create(inner.Users, gate);
            public IPipeStore Pipes { get; } = GatedProxy.Create(inner.Pipes, gate);
            public IMessageBus Bus { get; } = GatedProxy.Create(inner.Bus, gate);
            public IPresence Presence { get; } = GatedProxy.Create(inner.Presence, gate);
            public bool IsReady => inner.IsReady;
            public Task StartAsync(ILocalNode node, CancellationToken cancellationToken) => inner.StartAsync(node, cancellationToken);
            public Task StopAsync(CancellationToken cancellationToken) => inner.StopAsync(cancellationToken);
        }
    }

    /// <summary>Forwards every call to the real store after the gate opens (DispatchProxy needs a public, unsealed type).</summary>
    public class GatedProxy : DispatchProxy
    {
        private object _inner = null!;
        private GatedEngine _engine = null!;

        internal static T Create<T>(T inner, GatedEngine gate)
            where T : class
        {
            var proxy = DispatchProxy.Create<T, GatedProxy>();
            var gated = (GatedProxy)(object)proxy;
            gated._inner = inner;
            gated._engine = gate;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            _engine.Entered.Set();
            // Blocking here keeps the statement in flight; the session's thread waits, as on a slow store.
            _engine.WaitAtGate();
            return targetMethod!.Invoke(_inner, args);
        }
    }
}
