using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Comet.Testing;
using Comet.Testing.Clients;

namespace Comet.Containers.Tests;

/// <summary>
/// compose/docker-compose.yml brought up for real, as README's container quick start does: three
/// gateway containers, Redis and HAProxy with TLS (the images of scripts/build-images.sh; the collector
/// is left out: its image cannot be had without a registry). Its own project name, subnet, TLS folder
/// and free loopback ports, so that it never meets another run; taken down with its volumes at the end.
/// Tests reach it only through HAProxy's published ports, or from containers on its network.
/// </summary>
public sealed class ComposeCluster : IAsyncLifetime
{
    public static readonly string[] Gateways = ["gateway1", "gateway2", "gateway3"];
    private static readonly string[] Services = ["redis", .. Gateways, "loadbalancer"];

    private readonly string _composeFile = Path.Combine(RepositoryRoot.Path, "compose", "docker-compose.yml");
    private readonly string _imagesFile = Path.Combine(RepositoryRoot.Path, "compose", "local-images.env");
    private X509Certificate2? _certificate;

    public string Project { get; } = "comettest" + Guid.NewGuid().ToString("N")[..8];
    public string Password { get; } = Guid.NewGuid().ToString("N");
    public string SubnetPrefix { get; } = $"10.231.{Random.Shared.Next(100, 250)}";
    /// <summary>Readable by HAProxy's non-root user in its container (a temporary folder is 0700).</summary>
    public string TlsDirectory { get; } = CreateSharedDirectory();
    public int WssPort { get; } = FreePort.Next();
    public int CometQLPort { get; } = FreePort.Next();

    /// <summary>From <c>docker-compose up</c> until HAProxy routes https to all three gateways.</summary>
    public TimeSpan StartToReady { get; private set; }

    public string Network => Project + "_default";
    public string LoadBalancerAddress => SubnetPrefix + ".250";
    public Uri HttpsUri => new($"https://127.0.0.1:{WssPort}");
    public Uri WssUri => new($"wss://127.0.0.1:{WssPort}");
    public string ToolsImage => Images["COMET_TOOLS_IMAGE"];

    public string ConnectionString =>
        $"Server=127.0.0.1;Port={CometQLPort};User Id=root;Password={Password};Database=CometQL_v1;SslMode=None;Pooling=false;Connection Timeout=5;Default Command Timeout=10";

    /// <summary>The local image names compose uses (compose/local-images.env).</summary>
    public IReadOnlyDictionary<string, string> Images => File.ReadAllLines(_imagesFile)
        .Where(line => line.Contains('=', StringComparison.Ordinal) && !line.TrimStart().StartsWith('#'))
        .Select(line => line.Split('=', 2))
        .ToDictionary(pair => pair[0].Trim(), pair => pair[1].Trim());

    /// <summary>The certificate tls-init made: the only one the test clients accept.</summary>
    public X509Certificate2 Certificate => _certificate ??=
        X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(TlsDirectory, "comet.pem")));

    public async Task InitializeAsync()
    {
        DockerEngine.Require();
        await DockerEngine.RequireImagesAsync(["comet-gateway:local", .. Images.Values]);
        var clock = Stopwatch.StartNew();
        await ComposeAsync(["up", "-d", "--no-build", .. Services]);
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while ((await NodesBehindHttpsAsync(12)).Count < Gateways.Length)
        {
            Assert.True(DateTime.UtcNow < deadline, "HAProxy never routed https to all three gateways within 3 minutes:\n" + await LogsAsync());
            await Task.Delay(250);
        }
        StartToReady = clock.Elapsed;
    }

    public async Task DisposeAsync()
    {
        await TakeDownAsync();
        _certificate?.Dispose();
        Directory.Delete(TlsDirectory, recursive: true);
    }

    /// <summary><c>docker-compose down -v</c>: containers, the network and the volume go.</summary>
    public async Task<ProcessResult> TakeDownAsync() =>
        await RunComposeAsync(["down", "-v", "--remove-orphans", "--timeout", "40"]);

    public async Task<string> ComposeAsync(params string[] arguments)
    {
        var result = await RunComposeAsync(arguments);
        Assert.True(result.ExitCode == 0, $"docker-compose {string.Join(' ', arguments)} failed: {result}");
        return result.StandardOutput;
    }

    /// <summary>The id of a service's container.</summary>
    public async Task<string> ContainerAsync(string service) => (await ComposeAsync("ps", "-q", service)).Trim();

    /// <summary>The node names /info answers through HAProxy, over <paramref name="requests"/> requests.</summary>
    public async Task<HashSet<string>> NodesBehindHttpsAsync(int requests)
    {
        using var http = CreateHttpClient();
        var nodes = new HashSet<string>();
        for (var i = 0; i < requests; i++)
        {
            try
            {
                using var info = JsonDocument.Parse(await http.GetStringAsync(new Uri(HttpsUri, "/info")));
                nodes.Add(info.RootElement.GetProperty("node").GetString()!.TrimEnd('_'));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
            {
                // Not up yet, or a node going away.
            }
        }
        return nodes;
    }

    /// <summary>An HTTP client for https through HAProxy that trusts only the cluster's certificate.</summary>
    public HttpClient CreateHttpClient() => new(new HttpClientHandler
    {
        ServerCertificateCustomValidationCallback = (_, certificate, _, _) => IsClusterCertificate(certificate),
    })
    { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Makes a WebSocket client accept the cluster's certificate (and no other).</summary>
    public void TrustCertificate(ClientWebSocketOptions options) =>
        options.RemoteCertificateValidationCallback = (_, certificate, _, _) => IsClusterCertificate(certificate);

    /// <summary>Opens CometQL connections through HAProxy until one lands on <paramref name="node"/>.</summary>
    public async Task<CometQLBackend> OpenOnNodeAsync(string node)
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var backend = await CometQLBackend.OpenAsync(ConnectionString);
            if ((await backend.RowsAsync("SHOW STATUS")).Single(r => r[0] == "node")[1]!.TrimEnd('_') == node)
            {
                return backend;
            }
            await backend.DisposeAsync();
        }
        throw new InvalidOperationException($"30 CometQL connections through HAProxy never reached {node}");
    }

    /// <summary>The last lines of every service's log, for failure messages.</summary>
    public async Task<string> LogsAsync() => (await RunComposeAsync(["logs", "--no-color", "--tail", "30"])).StandardOutput;

    private Task<ProcessResult> RunComposeAsync(IEnumerable<string> arguments) =>
        ProcessRunner.RunAsync("docker-compose", ["--env-file", _imagesFile, "-p", Project, "-f", _composeFile, .. arguments],
            environment: new Dictionary<string, string>
            {
                ["COMET_PASSWORD"] = Password,
                ["COMET_TLS_DIR"] = TlsDirectory,
                ["COMET_WSS_PORT"] = $"127.0.0.1:{WssPort}",
                ["COMET_COMETQL_PORT"] = $"127.0.0.1:{CometQLPort}",
                ["COMET_SUBNET_PREFIX"] = SubnetPrefix,
            },
            timeout: TimeSpan.FromMinutes(5));

    private static string CreateSharedDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("comet-compose-tls-").FullName;
        if (OperatingSystem.IsWindows())
        {
            return directory;
        }
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return directory;
    }

    private bool IsClusterCertificate(X509Certificate? certificate) =>
        certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(Certificate.RawData);
}
