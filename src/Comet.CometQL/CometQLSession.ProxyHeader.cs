using System.Buffers;
using Comet.Core.ProxyProtocol;
using Comet.CometQL.Protocol;

namespace Comet.CometQL;

/// <summary>
/// A PROXY protocol header where the client's first packet should be: the peer is a proxy this node
/// does not trust (trusted ones had their header read before the greeting, ProxyProtocolMiddleware).
/// Its 4 bytes would otherwise be taken for a packet header of megabytes and the login would time out.
/// </summary>
internal sealed partial class CometQLSession
{
    /// <summary>"PROX" or "\r\n\r\n" as a packet header: a real first packet has sequence id 1, these 'X' and '\n'.</summary>
    private static bool IsProxyHeader(ReadOnlySequence<byte> buffer) =>
        ProxyHeaderParser.Detect(buffer.Slice(0, 4)) != ProxyHeaderParser.Signature.None;

    private async Task RefuseProxyHeaderAsync()
    {
        var message = ProxyRefusals.Untrusted(_connection.RemoteEndPoint);
        _services.ProxyInstruments.Refused("cometql", "untrusted");
        CometQLLog.ConnectionRefused(_logger, _connection.RemoteEndPoint, message);
        // After the greeting (0) and the client's packet (1), the client reads the answer as 2.
        _packets.SequenceId = 2;
        ErrorPacket.Write(_packets, CometQLErrors.HostNotAllowedCode, message, SqlStates.General);
        await _output.FlushAsync();
    }
}
