using System.Globalization;
using Comet.Testing;
using Microsoft.AspNetCore.Builder;

namespace Comet.Demo.Tests;

/// <summary>A gateway (in this process) and the demo backend on it, shared by the tests of a class.</summary>
public sealed class DemoOnGateway : IAsyncLifetime
{
    private WebApplication _demo = null!;
    private int _port;

    public TestGateway Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Gateway = await TestGateway.StartAsync();
        _port = FreePort.Next();
        _demo = DemoApp.Build(
        [
            "--environment", "Production", "--urls", $"http://127.0.0.1:{_port}",
            "--Demo:CometQLPort", Gateway.CometQLPort.ToString(CultureInfo.InvariantCulture),
            "--Demo:Password", TestGateway.Password,
            "--Demo:GatewayNodes:0", $"127.0.0.1:{Gateway.HttpPort}",
            "--Demo:MaxMessageLength", "50",
            "--Logging:LogLevel:Default", "Warning",
        ]);
        await _demo.StartAsync();
    }

    /// <summary>A browser of its own: its own cookies, so its own login.</summary>
    public HttpClient NewBrowser() =>
        new(new HttpClientHandler { UseCookies = true }) { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };

    public async Task DisposeAsync()
    {
        await _demo.StopAsync();
        await _demo.DisposeAsync();
        await Gateway.DisposeAsync();
    }
}
