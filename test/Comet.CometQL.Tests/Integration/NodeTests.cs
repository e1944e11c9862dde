namespace Comet.CometQL.Tests.Integration;

/// <summary>
/// node mysql2: <c>query</c> (text protocol) and <c>execute</c> (server-side prepared statements). mysql2
/// returns integer columns as numbers in both (it maps BIGINT to a number); text columns as strings.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class NodeTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Query_and_execute_flows()
    {
        var o = await ScriptClients.NodeAsync(fixture.Gateway, "401", "flows.js");
        Assert.Equal(0, o.GetProperty("pipeInsert").GetProperty("affectedRows").GetInt32());
        Assert.Equal(1, o.GetProperty("authInsert").GetProperty("affectedRows").GetInt32());
        Assert.Equal(51, o.GetProperty("authInsert").GetProperty("insertId").GetInt32());
        Assert.Equal("nodehash", o.GetProperty("hashRows")[0].GetProperty("hash").GetString());
        Assert.Equal(51, o.GetProperty("hashRows")[0].GetProperty("id").GetInt64());
        Assert.True(o.GetProperty("queuedEqualsJson").GetBoolean());
        Assert.Equal(2, o.GetProperty("times").GetArrayLength());
        Assert.Equal(-1, o.GetProperty("times")[1].GetProperty("time").GetInt64());
        Assert.Equal("1", o.GetProperty("multi")[0][0].GetProperty("one").GetString());
        Assert.Equal("nodehash", o.GetProperty("multi")[1][0].GetProperty("hash").GetString());
        Assert.Equal(13, o.GetProperty("error").GetProperty("errno").GetInt32());
        Assert.Equal(15, o.GetProperty("executeError").GetProperty("errno").GetInt32());
        Assert.Equal("42S02", o.GetProperty("executeError").GetProperty("sqlState").GetString());
        Assert.Equal(-1, o.GetProperty("afterError")[0].GetProperty("time").GetInt64());
    }
}
