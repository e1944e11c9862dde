using System.Net;
using Microsoft.Extensions.Logging;

namespace Comet.Core.ProxyProtocol;

/// <summary>The PROXY protocol's log messages (structured).</summary>
internal static partial class ProxyProtocolLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "{Port}: PROXY v{Version} header from {Proxy}: the client is {Client}")]
    public static partial void Accepted(ILogger logger, string port, IPEndPoint proxy, int version, EndPoint? client);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "{Port}: connection from {Peer} refused: {Reason}")]
    public static partial void Refused(ILogger logger, string port, EndPoint? peer, string reason);
}
