using Comet.Core.Messages;
using Comet.Testing;
using Comet.WebSockets.Tests.Support;

namespace Comet.WebSockets.Tests;

/// <summary>Clients below v4 (CometServerApi.js 3.25) get event_name, api_data and stringified data.</summary>
public sealed class CompatModeTests
{
    [Fact]
    public async Task ServerInfo_in_compat_mode_has_event_name_and_a_string_authorized()
    {
        await using var gateway = await TestGateway.StartAsync();
        await gateway.Engine().Users.SetHashAsync(0, 81, "h81");

        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path("h81", 81, version: "3.25"));
        var info = client.ServerInfo;

        Assert.Equal(
            "{\"api_data\":\"for major_version < 4\",\"authorized\":\"true\",\"data\":\"h81\",\"event\":\"serverInfo\",\"event_name\":\"serverInfo\",\"message_send_time\":0,\"pipe\":\"sys\",\"server\":\"Comet.Gateway (CppComet community 4.09 compatible)\"}",
            info.WithoutTime());
    }

    [Fact]
    public async Task Object_data_is_stringified_for_old_clients_while_new_clients_get_the_object()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var old = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path(version: "3.25", uuid: "old"));
        await using var modern = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path(uuid: "new"));
        await old.SendAsync("subscription\ntrack_mix");
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["track_mix"]))[0].Count == 1, "old joined");
        await modern.SendAsync("subscription\ntrack_mix");
        await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["track_mix"]))[0].Count == 2, "both joined");

        // The join notice goes through the engine's pub/sub and may still be on its way when the count
        // reads 2; read it before publishing, or the note could come first and be skipped by the wait.
        var joinSeenByOld = await old.WaitForPipeAsync("track_mix", "subscription");
        await gateway.Engine().Bus.PublishAsync(0, new CometMessage("track_mix", "note", "plain text", SendTime: 5));

        Assert.Equal(
            "{\"api_data\":\"for major_version < 4\",\"data\":\"{\\\"user_id\\\":0,\\\"uuid\\\":\\\"new\\\"}\",\"event\":\"subscription\",\"event_name\":\"subscription\",\"message_send_time\":0,\"pipe\":\"track_mix\"}",
            joinSeenByOld.WithoutTime());
        Assert.Equal(
            "{\"api_data\":\"for major_version < 4\",\"data\":\"plain text\",\"event\":\"note\",\"event_name\":\"note\",\"message_send_time\":5,\"pipe\":\"track_mix\"}",
            await old.ReceiveTextAsync());
        Assert.Equal("{\"data\":\"plain text\",\"event\":\"note\",\"message_send_time\":5,\"pipe\":\"track_mix\"}", await modern.ReceiveTextAsync());
    }

    [Fact]
    public async Task Personal_messages_in_compat_mode_carry_event_name()
    {
        await using var gateway = await TestGateway.StartAsync();
        await gateway.Engine().Users.SetHashAsync(0, 82, "h82");
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path("h82", 82, version: "3.25"));

        await gateway.Engine().Bus.SendToUserAsync(0, 82, "newMessage", "body");

        Assert.Equal("{\"api_data\":\"for major_version < 4\",\"data\":\"body\",\"event\":\"newMessage\",\"event_name\":\"newMessage\",\"pipe\":\"msg\"}",
            await client.ReceiveTextAsync());
    }
}
