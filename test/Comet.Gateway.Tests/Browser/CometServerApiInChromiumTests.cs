using System.Text.Json.Nodes;
using Comet.Testing;

namespace Comet.Gateway.Tests.Browser;

/// <summary>
/// An unchanged CppComet site in a real browser: what the CometServer() callbacks receive from the gateway.
/// The callback shape is the API's own: {data, server_info:{user_id, pipe, event, history, marker, uuid}}
/// (our client adds server_info.seq to personal messages, which is compared apart).
/// </summary>
public sealed class CometServerApiInChromiumTests(BrowserRun run) : IClassFixture<BrowserRun>
{
    private readonly JsonObject _report = run.Report;

    [Fact]
    public void The_pages_ran_without_script_errors()
    {
        Assert.Empty(_report["pageErrors"]!.AsArray());
    }

    [Fact]
    public void A_user_whose_hash_the_backend_stored_is_authorised()
    {
        JsonAssert.Equal("""{"isAuthorized":true,"onAuthSuccess":1,"onAuthFalill":0}""", _report["auth"]);
    }

    [Fact]
    public void A_page_without_a_key_connects_unauthorised()
    {
        JsonAssert.Equal("false", _report["carolIsAuthorized"]);
    }

    [Fact]
    public void A_backend_pipe_message_reaches_every_subscribed_page()
    {
        var fromBackend = """{"data":{"text":"from the backend"},"server_info":{"user_id":0,"pipe":"web_chat","event":"news","history":false}}""";
        JsonAssert.Equal(fromBackend, _report["alicePipe"]![0]);
        JsonAssert.Equal(fromBackend, _report["bobPipe"]![0]);
    }

    [Fact]
    public void A_pipe_dot_event_subscription_gets_only_that_event()
    {
        JsonAssert.Equal(
            """[{"data":{"text":"from the backend"},"server_info":{"user_id":0,"pipe":"web_chat","event":"news","history":false}}]""",
            _report["aliceNews"]);
    }

    [Fact]
    public void A_personal_message_reaches_msg_dot_event()
    {
        JsonAssert.Equal(
            """[{"data":{"n":1},"server_info":{"user_id":0,"pipe":"msg","event":"greeting","history":false}}]""",
            CallbackJson.WithoutSeq(_report["aliceGreetings"]));
    }

    [Fact]
    public void A_personal_message_sent_while_the_page_was_closed_arrives_on_the_next_load()
    {
        JsonAssert.Equal(
            """[{"data":{"n":2},"server_info":{"user_id":0,"pipe":"msg","event":"greeting","history":false}}]""",
            CallbackJson.WithoutSeq(_report["queuedGreetings"]));
    }

    [Fact]
    public void Web_pipe_send_reaches_the_other_page_with_the_sender_id_and_not_the_sender()
    {
        JsonAssert.Equal("true", _report["webPipeSendReturned"]);
        JsonAssert.Equal(
            """{"data":{"text":"Bob's привет"},"server_info":{"user_id":1002,"pipe":"web_chat","event":"say","history":false}}""",
            _report["alicePipe"]![1]);
        Assert.Equal(2, _report["alicePipe"]!.AsArray().Count);
        // The sender saw only the backend's message, and the send's answer.
        Assert.Single(_report["bobPipe"]!.AsArray());
        JsonAssert.Equal(
            """{"data":{"message":"{\"text\":\"Bob's привет\"}","number_messages":1},"server_info":{"user_id":0,"pipe":"_answer_to_web_chat","event":"answer","history":false}}""",
            _report["bobAnswer"]);
    }

    [Fact]
    public void Get_pipe_log_returns_the_logged_messages_oldest_first()
    {
        JsonAssert.Equal(
            """
            [{"data":{"text":"from the backend"},"server_info":{"user_id":0,"pipe":"web_chat","event":"news","history":false}},
             {"data":{"text":"Bob's привет"},"server_info":{"user_id":1002,"pipe":"web_chat","event":"say","history":false}}]
            """,
            _report["pipeLog"]);
    }

    [Fact]
    public void Count_users_in_pipe_counts_the_subscribed_pages()
    {
        AssertCount(1, _report["countWithAliceOnly"]);
        AssertCount(2, _report["countWithBoth"]);
    }

    [Fact]
    public void Another_page_sees_the_user_go_online_and_offline()
    {
        JsonAssert.Equal(
            """
            [{"data":"online","server_info":{"user_id":0,"pipe":"user_status_1002","event":"online","history":false}},
             {"data":"offline","server_info":{"user_id":0,"pipe":"user_status_1002","event":"offline","history":false}}]
            """,
            _report["userStatus1002"]);
    }

    // The answer carries the request's random marker, so that one field is checked for presence only.
    private static void AssertCount(int users, JsonNode? answer)
    {
        var serverInfo = answer!["server_info"]!.AsObject();
        Assert.Matches("^[0-9a-z]{10}$", serverInfo["marker"]!.GetValue<string>());
        var withoutMarker = answer.DeepClone().AsObject();
        withoutMarker["server_info"]!.AsObject().Remove("marker");
        JsonAssert.Equal(
            $$$"""{"data":["user_in_pipe",{{{users}}}],"server_info":{"user_id":0,"pipe":"_answer_pipe_count","event":"user_in_pipe","history":false}}""",
            withoutMarker);
    }
}
