using Comet.Core.Options;
using Comet.Core.Security;
using Comet.Node;
using Comet.WebSockets.PrivateChannels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Comet.WebSockets.Session;

/// <summary>The node-wide services every client session uses (one instance, shared).</summary>
internal sealed class SessionServices(
    CometNode node,
    CometJwtValidator jwt,
    ClientAuthenticator authenticator,
    TokenExpirySweeper tokenExpiry,
    PrivateChannelAuthorizer privateChannels,
    IOptions<CometWebSocketOptions> options,
    IOptions<LimitsOptions> limits,
    TimeProvider time,
    ILoggerFactory loggerFactory)
{
    public CometNode Node { get; } = node;
    public CometJwtValidator Jwt { get; } = jwt;
    public ClientAuthenticator Authenticator { get; } = authenticator;
    public TokenExpirySweeper TokenExpiry { get; } = tokenExpiry;
    public PrivateChannelAuthorizer PrivateChannels { get; } = privateChannels;
    public CometWebSocketOptions Options { get; } = options.Value;
    public LimitsOptions Limits { get; } = limits.Value;
    public TimeProvider Time { get; } = time;
    public ILogger Logger { get; } = loggerFactory.CreateLogger("Comet.WebSockets.Session");

    /// <summary>Unix seconds now (<c>message_send_time</c>).</summary>
    public long Now => Time.GetUtcNow().ToUnixTimeSeconds();
}
