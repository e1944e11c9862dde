using System.Text;
using Comet.Core.Messages;
using Comet.Node;
using Comet.WebSockets.Delivery;

namespace Comet.WebSockets.Tests.Unit;

public sealed class CometMessageEncoderTests
{
    private static string Encode(CometMessage message, bool compat = false, string? marker = null, string? info = null) =>
        Encoding.UTF8.GetString(CometMessageEncoder.Encode(message, compat, marker, info));

    [Fact]
    public void Keys_are_sorted_and_optional_fields_appear_only_when_set()
    {
        Assert.Equal("{\"data\":\"x\",\"event\":\"e\",\"pipe\":\"msg\"}", Encode(new CometMessage("msg", "e", "x")));
        Assert.Equal(
            "{\"_info\":\"i\",\"data\":\"x\",\"event\":\"e\",\"fromQueue\":true,\"marker\":\"m\",\"message_send_time\":5,\"pipe\":\"p\",\"user_id\":3}",
            Encode(new CometMessage("p", "e", "x", UserId: 3, SendTime: 5, FromQueue: true), marker: "m", info: "i"));
    }

    [Fact]
    public void Json_data_is_written_as_json()
    {
        Assert.Equal("{\"data\":{\"a\":1},\"event\":\"e\",\"pipe\":\"p\"}", Encode(new CometMessage("p", "e", "{\"a\":1}", DataIsJson: true)));
    }

    [Fact]
    public void Text_keeps_non_ascii_and_html_readable_and_never_contains_a_raw_newline()
    {
        var text = Encode(new CometMessage("p", "e", "<b>Привет</b>\nline 'two' \"q\""));

        Assert.Equal("{\"data\":\"<b>Привет</b>\\nline 'two' \\\"q\\\"\",\"event\":\"e\",\"pipe\":\"p\"}", text);
        Assert.DoesNotContain('\n', text);
    }

    [Fact]
    public void Compat_mode_adds_event_name_and_api_data_and_stringifies_objects_except_on_msg()
    {
        Assert.Equal(
            "{\"api_data\":\"for major_version < 4\",\"data\":\"{\\\"a\\\":1}\",\"event\":\"e\",\"event_name\":\"e\",\"pipe\":\"p\"}",
            Encode(new CometMessage("p", "e", "{\"a\":1}", DataIsJson: true), compat: true));
        Assert.Equal(
            "{\"api_data\":\"for major_version < 4\",\"data\":{\"a\":1},\"event\":\"e\",\"event_name\":\"e\",\"pipe\":\"msg\"}",
            Encode(new CometMessage("msg", "e", "{\"a\":1}", DataIsJson: true), compat: true));
        Assert.Equal(
            "{\"api_data\":\"for major_version < 4\",\"data\":42,\"event\":\"e\",\"event_name\":\"e\",\"pipe\":\"p\"}",
            Encode(new CometMessage("p", "e", "42", DataIsJson: true), compat: true));
    }

    [Fact]
    public void A_shared_message_encodes_compat_lazily_and_once()
    {
        var outbound = OutboundMessage.For(new SharedMessage(new CometMessage("p", "e", "x")));

        var first = outbound.GetBytes(MessageEncoding.Compat);
        var second = outbound.GetBytes(MessageEncoding.Compat);

        Assert.True(first.Span == second.Span || first.Equals(second));
        Assert.Contains("event_name", Encoding.UTF8.GetString(first.Span), StringComparison.Ordinal);
        Assert.DoesNotContain("event_name", Encoding.UTF8.GetString(outbound.GetBytes(MessageEncoding.Standard).Span), StringComparison.Ordinal);
    }
}
