using Comet.Testing;
using Comet.Testing.Clients;

namespace Comet.Gateway.Tests;

/// <summary>wss served by Kestrel with the Comet:Tls certificate, and an https URL without one refused at start.</summary>
public sealed class TlsWebSocketTests
{
    [Fact]
    public async Task A_wss_client_receives_a_message_published_over_CometQL_with_TLS()
    {
        using var certificate = SelfSignedCertificate.Create();
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>(certificate.PfxSettings)
        {
            ["urls"] = "https://127.0.0.1:0",
        });
        await using var client = await CometWebSocketClient.ConnectAsync(new Uri($"wss://127.0.0.1:{gateway.HttpPort}"),
            CometWebSocketClient.Path(uuid: CometWebSocketClient.NewUuid()),
            options => options.RemoteCertificateValidationCallback = (_, presented, _, _) => certificate.IsThisCertificate(presented));
        Assert.Equal("serverInfo", (await client.ReceiveAsync()).GetProperty("event").GetString());
        await client.SendAsync("subscription\nweb_wss");

        await using var backend = await CometQLBackend.OpenAsync(
            gateway.ConnectionString("root").Replace("SslMode=None", "SslMode=Required", StringComparison.Ordinal));
        // The subscription has no answer: publish until it has taken effect (bounded).
        System.Text.Json.JsonElement? message = null;
        for (var attempt = 0; attempt < 50 && message is null; attempt++)
        {
            await backend.ExecuteAsync("INSERT INTO pipes_messages (name, event, message) VALUES ('web_wss', 'hello', 'over wss')");
            message = await client.TryWaitForAsync(m => CometWebSocketClient.IsPipe(m, "web_wss"), TimeSpan.FromMilliseconds(500));
        }
        Assert.NotNull(message);
        Assert.Equal("over wss", message.Value.GetProperty("data").GetString());
    }

    [Fact]
    public async Task An_https_url_without_a_certificate_fails_start_with_a_clear_message()
    {
        var error = await Assert.ThrowsAnyAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["urls"] = "https://127.0.0.1:0",
        }));
        Assert.Contains("Comet:Tls", error.Message, StringComparison.Ordinal);
    }
}
