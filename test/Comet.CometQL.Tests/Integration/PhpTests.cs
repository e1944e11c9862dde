using System.Text.Json;

namespace Comet.CometQL.Tests.Integration;

/// <summary>
/// PHP mysqli (the Star.Comet-Chat backend) and PDO with emulated and server-side prepares. mysqli's text
/// protocol returns every value as a string, as it did with CppComet; PDO on PHP 8.1+ returns integer
/// columns as PHP ints in both modes (as it does against MySQL). TextColumnsSettingTests: the setting
/// that gives PDO strings again.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class PhpTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Star_Comet_Chat_backend_flows_with_mysqli()
    {
        var o = await ScriptClients.PhpAsync(fixture.Gateway, "301", "star_chat.php");
        Assert.Equal(0, o.GetProperty("hash_rows_before").GetInt32());
        Assert.True(o.GetProperty("insert_hash").GetBoolean());
        Assert.Equal(1, o.GetProperty("insert_hash_affected").GetInt32());
        Assert.Equal(31, o.GetProperty("insert_hash_id").GetInt32());
        Assert.Equal(o.GetProperty("hash_expected").GetString(), o.GetProperty("hash_after").GetString());
        Assert.True(o.GetProperty("insert_message").GetBoolean());
        Assert.Equal(0, o.GetProperty("insert_message_affected").GetInt32());
        Assert.Equal(31, o.GetProperty("insert_message_id").GetInt32());
        // mysqli_real_escape_string(json_encode(x)) arrives as the JSON the backend wrote.
        Assert.True(o.GetProperty("queued_message_equals_json").GetBoolean());
        Assert.Equal("newMessage", o.GetProperty("queued_event").GetString());
        Assert.Equal("-1", o.GetProperty("time").GetString());
        Assert.False(o.GetProperty("bad_query").GetBoolean());
        Assert.Equal(15, o.GetProperty("bad_errno").GetInt32());
        Assert.Equal("Table doesn't exist", o.GetProperty("bad_error").GetString());
        Assert.True(o.GetProperty("ping").GetBoolean());
        Assert.Equal("CometQL_v1", o.GetProperty("database").GetString());
        Assert.StartsWith("5.7.99", o.GetProperty("server_info").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    public async Task Pdo_with_emulated_and_server_side_prepares(string emulate)
    {
        var o = await ScriptClients.PhpAsync(fixture.Gateway, "30" + emulate, "pdo.php", emulate);
        Assert.True(o.GetProperty("insert").GetBoolean());
        Assert.Equal(1, o.GetProperty("insert_rows").GetInt32());
        Assert.Equal("21", o.GetProperty("insert_id").GetString());
        Assert.Equal(1, o.GetProperty("select_rows").GetInt32());
        Assert.True(o.GetProperty("data_equals").GetBoolean());
        Assert.Equal(3, o.GetProperty("times").GetArrayLength());
        Assert.Equal(-1, o.GetProperty("times")[2][1].GetInt64());
        Assert.True(o.GetProperty("pipe_insert").GetBoolean());
        Assert.Equal(0, o.GetProperty("missing_rows").GetInt32());
        Assert.Equal("15 Table doesn't exist", o.GetProperty("error").GetString());
        Assert.Equal("42S02", o.GetProperty("sqlstate").GetString());
        Assert.Equal(-1, o.GetProperty("after_error").GetInt64());
        Assert.True(o.GetProperty("quoted").GetBoolean());
    }

    [Fact]
    public async Task Persistent_mysqli_connections_are_reused_with_change_user()
    {
        var o = await ScriptClients.PhpAsync(fixture.Gateway, "303", "persistent.php");
        var threads = o.GetProperty("thread_ids").EnumerateArray().Select(t => t.GetInt64()).Distinct().Count();
        Assert.Equal(1, threads);
        Assert.Equal(["h0", "h1", "h2"], o.GetProperty("hashes").EnumerateArray().Select(h => h.GetString()!));
    }
}
