using BenchmarkDotNet.Attributes;
using Comet.Core.Messages;
using Comet.Node;
using Comet.WebSockets.Delivery;

namespace Comet.Benchmarks.Micro;

/// <summary>Encoding one message to the JSON a WebSocket client receives (done once per message per node).</summary>
public class MessageEncodingBenchmarks
{
    private readonly CometMessage _text = new("web_chat", "e", new string('x', 100), SendTime: 1_700_000_000);
    private readonly CometMessage _json = new("msg", "newMessage", "{\"from\":7,\"text\":\"" + new string('y', 80) + "\"}", DataIsJson: true);
    private readonly CometMessage _escaped = new("web_chat", "e", "line \"one\"\nline two \\ " + new string('z', 70), SendTime: 1_700_000_000);

    [Benchmark(Baseline = true)]
    public byte[] PlainText100B() => CometMessageEncoder.Encode(_text, compat: false);

    [Benchmark]
    public byte[] JsonData() => CometMessageEncoder.Encode(_json, compat: false);

    [Benchmark]
    public byte[] NeedsEscaping() => CometMessageEncoder.Encode(_escaped, compat: false);

    [Benchmark]
    public byte[] CompatMode() => CometMessageEncoder.Encode(_text, compat: true);

    [Benchmark]
    public ReadOnlyMemory<byte> SharedOutbound() => OutboundMessage.For(new SharedMessage(_text)).GetBytes(MessageEncoding.Standard);
}
