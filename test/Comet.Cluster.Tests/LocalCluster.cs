using System.Globalization;
using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using Comet.Testing;

namespace Comet.Cluster.Tests;

/// <summary>
/// A cluster started the way an operator starts one: <c>scripts/cluster.sh start 3</c> (redis-server,
/// three gateway processes from this build, HAProxy with TLS on loopback) in a temporary state
/// directory; <c>scripts/cluster.sh stop</c> at the end. Tests reach it only through HAProxy.
/// </summary>
public sealed class LocalCluster : IAsyncLifetime
{
    public const int Nodes = 3;

    private X509Certificate2? _certificate;

    public string StateDirectory { get; } = Path.Combine(Path.GetTempPath(), "comet-cluster-" + Guid.NewGuid().ToString("N")[..8]);

    public int WssPort => ReadPort("wss.port");
    public int CometQLPort => ReadPort("cometql.port");
    public string Password => File.ReadAllText(Path.Combine(StateDirectory, "password"));
    public Uri WssUri => new($"wss://127.0.0.1:{WssPort}");
    public Uri HttpsUri => new($"https://127.0.0.1:{WssPort}");

    public string ConnectionString =>
        $"Server=127.0.0.1;Port={CometQLPort};User Id=root;Password={Password};Database=CometQL_v1;SslMode=None;Pooling=false;Connection Timeout=5;Default Command Timeout=10";

    /// <summary>The certificate cluster.sh generated: the only one the test clients accept.</summary>
    public X509Certificate2 Certificate => _certificate ??=
        X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(StateDirectory, "tls", "cert.pem")));

    public async Task InitializeAsync()
    {
        _ = RequiredTool.RedisServer;
        _ = RequiredTool.Find("haproxy", "apt-get install -y haproxy");
        _ = RequiredTool.Find("openssl", "apt-get install -y openssl");
        var result = await RunAsync(["start", Nodes.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromMinutes(8));
        Assert.True(result.ExitCode == 0, "cluster.sh start failed: " + result + Logs());
    }

    public async Task DisposeAsync()
    {
        await RunAsync(["stop"], TimeSpan.FromMinutes(2));
        _certificate?.Dispose();
        try
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Runs <c>scripts/cluster.sh</c> on this cluster's state directory.</summary>
    public Task<ProcessResult> RunAsync(IEnumerable<string> arguments, TimeSpan timeout) =>
        ProcessRunner.RunAsync(
            Path.Combine(RepositoryRoot.Path, "scripts", "cluster.sh"),
            arguments,
            environment: new Dictionary<string, string>
            {
                ["COMET_CLUSTER_DIR"] = StateDirectory,
                ["COMET_GATEWAY_DLL"] = Path.Combine(AppContext.BaseDirectory, "Comet.Gateway.dll"),
                ["COMET_GATEWAY_ENV"] = "Logging__LogLevel__Default=Information",
            },
            timeout: timeout);

    /// <summary>An HTTP client for https through HAProxy that trusts only the cluster's certificate.</summary>
    public HttpClient CreateHttpClient() => new(new HttpClientHandler
    {
        ServerCertificateCustomValidationCallback = (_, certificate, _, _) => IsClusterCertificate(certificate),
    })
    { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Makes a WebSocket client accept the cluster's certificate (and no other).</summary>
    public void TrustCertificate(ClientWebSocketOptions options) =>
        options.RemoteCertificateValidationCallback = (_, certificate, _, _) => IsClusterCertificate(certificate);

    /// <summary>The gateways' and HAProxy's logs, for failure messages.</summary>
    public string Logs()
    {
        var text = new System.Text.StringBuilder();
        foreach (var file in Directory.Exists(StateDirectory) ? Directory.GetFiles(StateDirectory, "*.log") : [])
        {
            var lines = File.ReadAllLines(file);
            text.Append("\n--- ").Append(Path.GetFileName(file)).Append(" (last 40 lines)\n");
            text.AppendJoin('\n', lines.Skip(Math.Max(0, lines.Length - 40)));
        }
        return text.ToString();
    }

    private bool IsClusterCertificate(X509Certificate? certificate) =>
        certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(Certificate.RawData);

    private int ReadPort(string file) =>
        int.Parse(File.ReadAllText(Path.Combine(StateDirectory, file)).Trim(), CultureInfo.InvariantCulture);
}

[CollectionDefinition(Name)]
public sealed class LocalClusterCollection : ICollectionFixture<LocalCluster>
{
    public const string Name = "local cluster";
}
