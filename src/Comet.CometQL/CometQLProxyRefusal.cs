using System.IO.Pipelines;
using Comet.CometQL.Protocol;
using Comet.CometQL.Serialization;

namespace Comet.CometQL;

/// <summary>
/// How the CometQL port answers a trusted proxy's connection whose PROXY header was missing, malformed
/// or late: an error packet instead of the greeting (as MySQL refuses a host it does not allow), which
/// the MySQL client behind the proxy shows as <c>ERROR 1130</c>; then the connection closes.
/// </summary>
public static class CometQLProxyRefusal
{
    public static async ValueTask WriteAsync(PipeWriter output, string message)
    {
        ArgumentNullException.ThrowIfNull(output);
        ErrorPacket.Write(new PacketWriter(output), CometQLErrors.HostNotAllowedCode, message, SqlStates.General);
        await output.FlushAsync();
    }
}
