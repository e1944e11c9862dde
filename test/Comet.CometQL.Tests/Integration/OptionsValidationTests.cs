using Comet.Testing;
using Microsoft.Extensions.Options;

namespace Comet.CometQL.Tests.Integration;

/// <summary>Bad Comet:CometQL settings stop the gateway at start with a message that names the setting.</summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Comet:CometQL:AuthPlugin", "sha256_password", "AuthPlugin")]
    [InlineData("Comet:CometQL:MaxPacketSize", "10", "MaxPacketSize")]
    [InlineData("Comet:CometQL:MaxPreparedStatements", "0", "MaxPreparedStatements")]
    public async Task Invalid_settings_refuse_to_start(string key, string value, string expected)
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestGateway.StartAsync(new Dictionary<string, string> { [key] = value }));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
