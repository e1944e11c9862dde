using System.Net;
using Comet.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Testing;

/// <summary>
/// A real gateway in the test process: Kestrel on free loopback ports, real sockets, the real
/// configuration path (command-line settings). Use <see cref="GatewayProcess"/> when a test must
/// kill a node or run several against one Redis.
/// </summary>
public sealed class TestGateway : IAsyncDisposable
{
    /// <summary>The key tests log in with (CometQL password, JWT secret prefix).</summary>
    public const string Password = "CometQLPassword";

    private readonly WebApplication _app;

    private TestGateway(WebApplication app, int httpPort, int cometQLPort)
    {
        _app = app;
        HttpPort = httpPort;
        CometQLPort = cometQLPort;
    }

    public int HttpPort { get; }
    public int CometQLPort { get; }
    public IServiceProvider Services => _app.Services;
    public Uri HttpUri => new($"http://127.0.0.1:{HttpPort}");
    public Uri WebSocketUri => new($"ws://127.0.0.1:{HttpPort}");

    /// <summary>A MySql.Data / ADO.NET connection string for dev_id <paramref name="user"/>.</summary>
    public string ConnectionString(string user = "root", string password = Password, string database = "CometQL_v1") =>
        $"Server=127.0.0.1;Port={CometQLPort};User Id={user};Password={password};Database={database};SslMode=None;AllowPublicKeyRetrieval=true;Pooling=false";

    /// <summary>Starts a gateway; <paramref name="settings"/> are configuration keys such as
    /// <c>Comet:Limits:MaxConnectionsPerUser</c>.</summary>
    public static async Task<TestGateway> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var args = new List<string>
        {
            "--urls", "http://127.0.0.1:0",
            "--environment", "Production",
            "--Comet:Password", Password,
            "--Comet:NodeName", "test",
            "--Comet:CometQL:Port", "0",
            "--Logging:LogLevel:Default", "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            args.Add("--" + key);
            args.Add(value);
        }
        var app = GatewayApp.Build([.. args]);
        await app.StartAsync();

        var cometQL = app.Services.GetRequiredService<CometQLEndpoint>().EndPoint
            ?? throw new InvalidOperationException("The CometQL endpoint was not bound.");
        var http = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.Select(a => new Uri(a)).First(u => u.Port != cometQL.Port);
        return new TestGateway(app, http.Port, cometQL.Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
