using Comet.Testing;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace Comet.CometQL.Tests.Integration;

/// <summary>
/// CometQL over TLS (the MySQL SSLRequest upgrade) with a self-signed certificate the test makes:
/// the mysql CLI, PHP mysqli and MySql.Data log in over TLS; without a certificate SSL is not offered;
/// with RequireTls a plain login is refused; a bad certificate stops the start with a clear error.
/// </summary>
public sealed class TlsTests : IAsyncLifetime
{
    private readonly SelfSignedCertificate _certificate = SelfSignedCertificate.Create();
    private TestGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await TestGateway.StartAsync(_certificate.PemSettings);

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _certificate.Dispose();
    }

    [Fact]
    public async Task With_a_certificate_the_greeting_offers_SSL()
    {
        await using var client = await RawMySqlClient.ConnectAsync(_gateway.CometQLPort);
        Assert.Equal(0x800u, client.ServerCapabilities & 0x800); // CLIENT_SSL
    }

    [Fact]
    public async Task The_mysql_cli_with_ssl_logs_in_over_TLS()
    {
        // MariaDB 10.x's client does not verify the server certificate unless --ssl-verify-server-cert is given.
        var result = await RunMysqlAsync(_gateway, "--ssl", "SHOW SESSION STATUS LIKE 'Ssl_version'; SELECT * FROM users_time WHERE id = 1");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Ssl_version\tTLSv1.", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("1\t-1", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Php_mysqli_with_MYSQLI_CLIENT_SSL_works_over_TLS()
    {
        var o = await ScriptClients.PhpAsync(_gateway, "1101", "ssl.php");
        Assert.True(o.GetProperty("insert").GetBoolean());
        Assert.StartsWith("TLSv1.", o.GetProperty("ssl_version").GetString(), StringComparison.Ordinal);
        Assert.Equal("-1", o.GetProperty("time").GetString());
    }

    [Fact]
    public async Task MySql_Data_with_SslMode_Required_works_over_TLS_and_plain_still_works()
    {
        await using (var tls = await CometQLBackend.OpenAsync(TlsConnectionString(_gateway, "1102")))
        {
            Assert.StartsWith("TLSv1.", (await tls.RowsAsync("SHOW STATUS LIKE 'Ssl_version'"))[0][1], StringComparison.Ordinal);
            Assert.Equal([["1", "-1"]], await tls.RowsAsync("SELECT * FROM users_time WHERE id = 1"));
        }
        await using var plain = await CometQLBackend.OpenAsync(_gateway, "1102");
        Assert.Equal([["Ssl_version", ""]], await plain.RowsAsync("SHOW STATUS LIKE 'Ssl_version'"));
    }

    [Fact]
    public async Task Without_a_certificate_SSL_is_not_offered_and_an_SSL_requiring_client_gets_a_clear_error()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using (var raw = await RawMySqlClient.ConnectAsync(gateway.CometQLPort))
        {
            Assert.Equal(0u, raw.ServerCapabilities & 0x800);
        }
        // MariaDB's client falls back to plain with --ssl alone; --ssl-verify-server-cert makes SSL mandatory.
        var cli = await RunMysqlAsync(gateway, "--ssl-verify-server-cert", "select 1");
        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains("SSL", cli.StandardError, StringComparison.Ordinal);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => CometQLBackend.OpenAsync(TlsConnectionString(gateway, "1103")));
        Assert.Contains("SSL", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task With_RequireTls_a_plain_login_is_refused_and_a_TLS_login_works()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>(_certificate.PfxSettings)
        {
            ["Comet:CometQL:RequireTls"] = "true",
        });
        await using (var raw = await RawMySqlClient.ConnectAsync(gateway.CometQLPort))
        {
            var answer = await raw.SendLoginAsync("1104", RawMySqlClient.NativeToken(TestGateway.Password, raw.Scramble), "mysql_native_password");
            var (code, message) = RawMySqlClient.Error(answer);
            Assert.Equal(3159, code);
            Assert.Contains("insecure transport", message, StringComparison.Ordinal);
        }
        var plain = await RunMysqlAsync(gateway, "--skip-ssl", "select 1");
        Assert.Contains("ERROR 3159", plain.StandardError, StringComparison.Ordinal);
        // Verified against the test's certificate as CA: the client checks the chain and the 127.0.0.1 address.
        var tls = await RunMysqlAsync(gateway, "--ssl-verify-server-cert", "SHOW STATUS LIKE 'Ssl_version'", $"--ssl-ca={_certificate.CertificateFile}");
        Assert.True(tls.ExitCode == 0, tls.ToString());
        Assert.Contains("TLSv1.", tls.StandardOutput, StringComparison.Ordinal);
        await using var driver = await CometQLBackend.OpenAsync(TlsConnectionString(gateway, "1104"));
        Assert.Equal([["1", "-1"]], await driver.RowsAsync("SELECT * FROM users_time WHERE id = 1"));
    }

    [Fact]
    public async Task A_wrong_pfx_password_a_missing_file_and_RequireTls_without_a_certificate_stop_the_start_clearly()
    {
        var wrong = await Assert.ThrowsAsync<OptionsValidationException>(() => TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:Tls:PfxFile"] = _certificate.PfxFile,
            ["Comet:Tls:PfxPassword"] = "not-the-password",
        }));
        Assert.Contains("Comet:Tls:PfxPassword", wrong.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", wrong.Message, StringComparison.Ordinal);

        var missing = await Assert.ThrowsAsync<OptionsValidationException>(() => TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:Tls:CertificateFile"] = Path.Combine(_certificate.Directory, "nope.crt"),
            ["Comet:Tls:KeyFile"] = _certificate.KeyFile,
        }));
        Assert.Contains("nope.crt", missing.Message, StringComparison.Ordinal);

        var noCertificate = await Assert.ThrowsAsync<OptionsValidationException>(() => TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:CometQL:RequireTls"] = "true",
        }));
        Assert.Contains("Comet:CometQL:RequireTls", noCertificate.Message, StringComparison.Ordinal);
    }

    private static string TlsConnectionString(TestGateway gateway, string user) =>
        gateway.ConnectionString(user).Replace("SslMode=None", "SslMode=Required", StringComparison.Ordinal);

    private static Task<ProcessResult> RunMysqlAsync(TestGateway gateway, string sslOption, string sql, params string[] extra) =>
        ProcessRunner.RunAsync(RequiredTool.Mysql,
            ["-h127.0.0.1", $"-P{gateway.CometQLPort}", "-u1105", $"-p{TestGateway.Password}", sslOption, .. extra, "--protocol=TCP", "-B", "-DCometQL_v1", "-e", sql],
            timeout: TimeSpan.FromSeconds(30));
}
