using System.Collections.Frozen;
using System.Globalization;
using Comet.Core.Diagnostics;
using Comet.Core.Engine;
using Comet.Core.Options;
using Comet.Core.Security;
using Comet.CometQL.Parsing;
using Comet.Node;
using Microsoft.Extensions.Options;

namespace Comet.CometQL.Execution;

/// <summary>Runs parsed statements: table statements through their table, tool queries locally.</summary>
internal sealed class StatementExecutor
{
    private readonly CometNode _node;
    private readonly CometMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly LimitsOptions _limits;
    private readonly CometJwtValidator _jwt;
    private readonly DatabaseSelector _databases;
    private readonly string _nodeName;
    private readonly DateTimeOffset _startedAt;
    private readonly MeterStatus _meterStatus;

    public StatementExecutor(
        CometNode node,
        CometMetrics metrics,
        TimeProvider time,
        IOptions<LimitsOptions> limits,
        IOptions<CometOptions> comet,
        IOptions<CometQLOptions> options,
        CometJwtValidator jwt,
        DatabaseSelector databases,
        MeterStatus meterStatus)
    {
        _meterStatus = meterStatus;
        _node = node;
        _metrics = metrics;
        _time = time;
        _limits = limits.Value;
        _jwt = jwt;
        _databases = databases;
        _nodeName = comet.Value.NodeName;
        _startedAt = time.GetUtcNow();
        Variables = SystemVariables.Create(options.Value.MaxPacketSize, (long)options.Value.IdleTimeout.TotalSeconds);
    }

    public FrozenDictionary<string, string> Variables { get; }

    public async Task<StatementResult> ExecuteAsync(Statement statement, SessionState session)
    {
        // Telemetry (counter by table and operation, statement and engine spans): CometTracing, CometMetrics.
        var names = StatementNames.Of(statement);
        _metrics.StatementExecuted(names.Table, names.Operation);
        using var span = CometTracing.StartStatement(names.SpanName, names.Table, names.Operation);
        using var engineSpan = names.UsesEngine ? CometTracing.StartEngine(_node.EngineName, names.Operation) : null;
        try
        {
            return await ExecuteCoreAsync(statement, session);
        }
        catch (Exception e) when (e is CometQLException or StorageUnavailableException)
        {
            var code = e is CometQLException q ? q.Error.Code.ToString(CultureInfo.InvariantCulture) : "storage_unavailable";
            _metrics.Error("cometql", code);
            CometTracing.Failed(engineSpan, e, code);
            CometTracing.Failed(span, e, code);
            throw;
        }
    }

    private async Task<StatementResult> ExecuteCoreAsync(Statement statement, SessionState session)
    {
        switch (statement)
        {
            case SelectStatement select:
                return await CometQLTables.Get(select.Table).SelectAsync(Context(session), select);
            case InsertStatement insert:
            {
                var table = CometQLTables.Get(insert.Table);
                var rows = table.ToTableOrder(insert);
                var result = await table.InsertAsync(Context(session), rows);
                if (result is OkResult { LastInsertId: > 0 } ok)
                {
                    session.LastInsertId = ok.LastInsertId;
                }
                return result;
            }
            case DeleteStatement delete:
                return await CometQLTables.Get(delete.Table).DeleteAsync(Context(session), delete.Where);
            case SelectExpressionsStatement expressions:
                return SelectExpressions.Evaluate(expressions, session, Variables);
            case ShowStatement show:
                return ShowQueries.Show(show, session, Variables, Status(session));
            case UseStatement use:
                return _databases.TrySelect(session, use.Database)
                    ? OkResult.Empty
                    : throw new CometQLException(CometQLErrors.SelectDatabaseFailure);
            case NoEffectStatement:
                return OkResult.Empty;
            default:
                throw new CometQLException(CometQLErrors.SyntaxError);
        }
    }

    private StatementContext Context(SessionState session) => new(_node, _metrics, _time, _limits, _jwt, session);

    /// <summary>The rows tools read, this session's and node's, then every instrument of the gateway meter (the counters too).</summary>
    private List<(string, string)> Status(SessionState session)
    {
        var uptime = Text((long)(_time.GetUtcNow() - _startedAt).TotalSeconds);
        List<(string, string)> rows =
        [
            ("Uptime", uptime),
            ("Threads_connected", Text(_metrics.CometQLConnections)),
            ("Ssl_version", session.TlsVersion),
            ("Ssl_cipher", session.TlsCipher),
            ("dev_id", Text(session.DevId)),
            ("node", _nodeName),
            ("engine_ready", _node.IsReady ? "1" : "0"),
        ];
        rows.AddRange(_meterStatus.Snapshot());
        return rows;
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
