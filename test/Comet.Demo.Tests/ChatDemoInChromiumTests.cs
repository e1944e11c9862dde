using System.Text.Json.Nodes;
using Comet.Testing;

namespace Comet.Demo.Tests;

/// <summary>
/// Two people chatting through the demo in real Chromium, each on a different gateway node of one
/// Redis (test/clients/browser/chat.js). The report holds what each page showed.
/// </summary>
public sealed class ChatDemoInChromiumTests(ChatDemoRun run) : IClassFixture<ChatDemoRun>
{
    private readonly JsonObject _report = run.Report;

    [Fact]
    public void The_pages_ran_without_script_errors()
    {
        Assert.Empty(_report["pageErrors"]!.AsArray());
    }

    [Fact]
    public void The_two_users_are_connected_through_different_gateway_nodes()
    {
        var alice = _report["nodes"]!["alice"]!.GetValue<string>();
        var bob = _report["nodes"]!["bob"]!.GetValue<string>();
        Assert.Contains(alice, run.Nodes);
        Assert.Contains(bob, run.Nodes);
        Assert.NotEqual(alice, bob);
    }

    [Fact]
    public void Alice_sees_Bob_come_online_and_go_offline()
    {
        Assert.False(_report["aliceSeesBobBefore"]!["online"]!.GetValue<bool>());
        Assert.True(_report["aliceSeesBobOnline"]!["online"]!.GetValue<bool>());
        Assert.False(_report["aliceSeesBobAfterHeLeft"]!["online"]!.GetValue<bool>());
    }

    [Fact]
    public void A_personal_message_counts_as_unread_until_opened_and_then_the_sender_sees_it_read()
    {
        Assert.Equal("1", _report["bobUnreadBeforeOpening"]!["unread"]!.GetValue<string>());
        Assert.Equal("", _report["bobUnreadAfterOpening"]!["unread"]!.GetValue<string>());
        JsonAssert.Equal("""{"read":"false","ticks":"✓"}""", _report["aliceTicksBeforeRead"]);
        JsonAssert.Equal("""{"read":"true","ticks":"✓✓"}""", _report["aliceTicksAfterRead"]);
    }

    [Fact]
    public void A_reply_in_an_open_conversation_appears_at_once_as_text()
    {
        JsonAssert.Equal("""["Hi Bob, it's Alice","Hello Alice! Bob here <b>not bold</b>"]""", _report["aliceConversation"]);
    }

    [Fact]
    public void Room_messages_reach_the_other_user_with_the_sender_name()
    {
        JsonAssert.Equal("""["AliceMorning, room!","BobMorning, Alice."]""", _report["aliceRoom"]);
        JsonAssert.Equal("""["AliceMorning, room!","BobMorning, Alice."]""", _report["bobRoom"]);
    }

    [Fact]
    public void A_reload_keeps_the_login_the_room_history_and_the_conversation_once_each()
    {
        JsonAssert.Equal("""["AliceMorning, room!","BobMorning, Alice.","AliceWelcome back, Bob"]""", _report["bobRoomAfterReload"]);
        JsonAssert.Equal("""["Hi Bob, it's Alice","Hello Alice! Bob here <b>not bold</b>"]""", _report["bobConversationAfterReload"]);
    }

    [Fact]
    public void Every_step_left_a_screenshot()
    {
        var files = _report["screenshots"]!.AsArray().Select(f => f!.GetValue<string>()).ToList();
        Assert.Equal(10, files.Count);
        Assert.All(files, f => Assert.True(new FileInfo(f).Length > 1000, $"{f} is missing or empty"));
    }
}
