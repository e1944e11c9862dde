using Comet.Core.ProxyProtocol;
using Comet.Core.Security;
using Comet.CometQL.Execution;
using Comet.CometQL.Limits;
using Microsoft.Extensions.Logging;

namespace Comet.CometQL;

/// <summary>What every session needs, resolved once.</summary>
internal sealed record CometQLServices(
    StatementExecutor Executor,
    DatabaseSelector Databases,
    DevKeyProvider Keys,
    CometQLOptions Options,
    TlsCertificate Tls,
    FailedLoginTracker FailedLogins,
    CometQLInstruments Instruments,
    ProxyProtocolInstruments ProxyInstruments,
    ILogger Logger);
