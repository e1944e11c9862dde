using System.Buffers;
using System.ComponentModel.DataAnnotations;
using Comet.Core.Messages;
using Comet.Redis.Stores;
using Comet.Redis.Wire;

namespace Comet.Redis.Tests;

/// <summary>The engine's compact encodings between nodes and in Redis, and its options' validation.</summary>
public sealed class WireFormatTests
{
    [Fact]
    public void A_pipe_message_survives_the_bus_with_every_field()
    {
        var message = new CometMessage("web_a", "chat", "multi\nline: 3:x ünïcode", DataIsJson: true, UserId: 7, SendTime: 1_700_000_000,
            FromQueue: true, ExcludeConnectionId: "n1:5");

        var decoded = BusPayload.ReadPipeMessage("web_a", BusPayload.PipeMessage(message, "n1", publishedAtMs: 1_700_000_000_123), self: "n2", out var publishedAt, out var uniqueId);

        Assert.Equal(message, decoded);
        Assert.Equal(1_700_000_000_123, publishedAt);
        Assert.NotEqual(0, uniqueId);
    }

    [Fact]
    public void A_pipe_message_from_a_node_that_did_not_stamp_it_has_no_publish_time()
    {
        var message = new CometMessage("web_a", "e", "d");
        var withoutTime = Comet.Redis.Wire.Netstring.Encode("m", "n1", "e", "d", "", "", "", "");

        Assert.Equal(message, BusPayload.ReadPipeMessage("web_a", withoutTime, self: "n2", out var publishedAt, out var uniqueId));
        Assert.Equal(0, publishedAt);
        Assert.Equal(0, uniqueId);
    }

    [Fact]
    public void A_node_skips_its_own_pipe_messages_but_not_origin_less_ones()
    {
        var message = new CometMessage("web_a", "e", "d");

        Assert.Null(BusPayload.ReadPipeMessage("web_a", BusPayload.PipeMessage(message, "n1"), self: "n1", out _, out _));
        Assert.Equal(message, BusPayload.ReadPipeMessage("web_a", BusPayload.PipeMessage(message, ""), self: "n1", out _, out _));
    }

    [Fact]
    public void Wake_ups_and_close_requests_round_trip()
    {
        Assert.True(BusPayload.TryReadUserWakeUp(BusPayload.UserWakeUp(15, 42), out var devId, out var userId));
        Assert.Equal((15, 42L), (devId, userId));

        Assert.True(BusPayload.TryReadCloseUser(BusPayload.CloseUser(3, 9, "jwt.token"), out devId, out userId, out var credential));
        Assert.Equal((3, 9L, "jwt.token"), (devId, userId, credential));
        Assert.True(BusPayload.TryReadCloseUser(BusPayload.CloseUser(3, 9, null), out _, out _, out credential));
        Assert.Null(credential);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("99:short")]
    [InlineData("abc:def")]
    public void Malformed_payloads_are_ignored(string payload)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(payload);

        Assert.Null(BusPayload.ReadPipeMessage("web_a", bytes, "n1", out _, out _));
        Assert.False(BusPayload.TryReadUserWakeUp(bytes, out _, out _));
        Assert.False(BusPayload.TryReadCloseUser(bytes, out _, out _, out _));
    }

    [Fact]
    public void Log_entry_ids_name_their_pipe()
    {
        var id = LogEntryCodec.NewId("web_room-1");

        Assert.Equal("web_room-1", LogEntryCodec.PipeOf(id));
        Assert.Null(LogEntryCodec.PipeOf("no-such-id"));
        var entry = LogEntryCodec.Decode("web_room-1", LogEntryCodec.Encode(id, 1_700_000_000, "ev", "text:with:colons", 5, 1_700_000_001));
        Assert.Equal(new LogEntry(id, 1_700_000_000, "web_room-1", "ev", "text:with:colons", 5), entry);
    }

    [Fact]
    public void Queue_entries_carry_their_sequence_number_as_id_and_a_unique_id_of_their_own()
    {
        var body = QueueEntryCodec.EncodeBody(1_700_000_000, "ev", "hello");
        var writer = new ArrayBufferWriter<byte>();
        Netstring.Write(writer, 12);
        writer.Write(body);

        var entry = QueueEntryCodec.Decode(writer.WrittenSpan);

        Assert.Equal(12, entry.Seq);
        Assert.Equal(new QueuedMessage("12", "ev", "hello", 1_700_000_000, Seq: 12), entry.Message);
        Assert.NotEqual(0, entry.UniqueId);
        Assert.NotEqual(entry.UniqueId, QueueEntryCodec.Decode([.. writer.WrittenSpan[..3], .. QueueEntryCodec.EncodeBody(1_700_000_000, "ev", "hello")]).UniqueId);
    }

    [Fact]
    public void Queue_entries_written_before_unique_ids_existed_still_decode()
    {
        var writer = new ArrayBufferWriter<byte>();
        Netstring.Write(writer, 7);
        Netstring.Write(writer, 1_700_000_000);
        Netstring.Write(writer, "ev");
        Netstring.Write(writer, "old");

        var entry = QueueEntryCodec.Decode(writer.WrittenSpan);

        Assert.Equal(new QueueEntry(7, 0, new QueuedMessage("7", "ev", "old", 1_700_000_000, Seq: 7)), entry);
    }

    [Fact]
    public void Options_need_a_configuration_a_sane_prefix_and_a_lease_longer_than_two_heartbeats()
    {
        Assert.Empty(Validate(new RedisEngineOptions { Configuration = "localhost:6379" }));
        Assert.Contains(Validate(new RedisEngineOptions()), r => r.MemberNames.Contains(nameof(RedisEngineOptions.Configuration)));
        Assert.Contains(Validate(new RedisEngineOptions { Configuration = "x", Prefix = "bad prefix{}" }),
            r => r.MemberNames.Contains(nameof(RedisEngineOptions.Prefix)));
        Assert.Contains(Validate(new RedisEngineOptions { Configuration = "x", HeartbeatInterval = TimeSpan.FromSeconds(5), NodeLeaseTtl = TimeSpan.FromSeconds(6) }),
            r => r.MemberNames.Contains(nameof(RedisEngineOptions.NodeLeaseTtl)));
    }

    private static List<ValidationResult> Validate(RedisEngineOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        if (results.Count == 0)
        {
            results.AddRange(options.Validate(new ValidationContext(options)));
        }
        return results;
    }
}
