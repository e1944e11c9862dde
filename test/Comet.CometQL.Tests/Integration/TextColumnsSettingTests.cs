using Comet.Testing;
using MySqlConnector;

namespace Comet.CometQL.Tests.Integration;

/// <summary>
/// <c>Comet:CometQL:TypedIntegerColumns=false</c>: every column is VAR_STRING again, as CppComet sent
/// them, for a backend that compares ids or times as strings. What each driver then returns.
/// </summary>
public sealed class TextColumnsSettingTests : IAsyncLifetime
{
    private TestGateway? _gateway;

    private TestGateway Gateway => _gateway!;

    public async Task InitializeAsync() =>
        _gateway = await TestGateway.StartAsync(new Dictionary<string, string> { ["Comet:CometQL:TypedIntegerColumns"] = "false" });

    public async Task DisposeAsync() => await _gateway!.DisposeAsync();

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    public async Task Pdo_gets_strings_with_and_without_emulated_prepares(string emulate)
    {
        var o = await ScriptClients.PhpAsync(Gateway, "70" + emulate, "pdo.php", emulate);

        Assert.Equal("-1", o.GetProperty("times")[2][1].GetString());
        Assert.Equal("-1", o.GetProperty("after_error").GetString());
    }

    [Fact]
    public async Task Node_mysql2_gets_strings()
    {
        var o = await ScriptClients.NodeAsync(Gateway, "703", "flows.js");

        Assert.Equal("51", o.GetProperty("hashRows")[0].GetProperty("id").GetString());
        Assert.Equal("-1", o.GetProperty("times")[1].GetProperty("time").GetString());
    }

    [Fact]
    public async Task MySqlConnector_reads_strings_and_GetInt64_fails_as_with_CppComet()
    {
        await using var connection = await CometQLBackend.OpenConnectionAsync(Gateway.ConnectionString("704"));
        await using var command = new MySqlCommand("SELECT id, time FROM users_time WHERE id = 7", connection);
        await using var reader = await command.ExecuteReaderAsync();

        Assert.True(await reader.ReadAsync());
        Assert.Equal(typeof(string), reader.GetFieldType(1));
        Assert.Equal("-1", reader.GetString(1));
        Assert.Throws<InvalidCastException>(() => reader.GetInt64(1));
    }
}
