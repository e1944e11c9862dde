using System.Text;
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
}
