using Comet.Core.Engine;
using Comet.Node;

namespace Comet.Testing.Nodes;

/// <summary>Clients for tests that drive a <see cref="CometNode"/> directly, each recording what it gets.</summary>
public static class TestClients
{
    private static long s_next;

    /// <summary>A client of <paramref name="userId"/> (0: anonymous) with a connection id no other test uses.</summary>
    public static NodeClient Create(int devId, long userId, string uuid = "uuid", string? credential = null, int capacity = int.MaxValue, string node = "test-node") =>
        new(Record(devId, userId, uuid, credential, node), new RecordingOutbox(capacity));

    /// <summary>A client record with a connection id no other test uses.</summary>
    public static ClientRecord Record(int devId, long userId, string uuid = "uuid", string? credential = null, string node = "test-node") =>
        new(devId, $"{node}:{Interlocked.Increment(ref s_next)}", userId, uuid, "xunit", "127.0.0.1", "http://localhost", "en", credential);

    /// <summary>What the client received.</summary>
    public static RecordingOutbox Received(this NodeClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return (RecordingOutbox)client.Outbox;
    }
}
