using System.Globalization;
using System.Text;
using Comet.Core.Engine;
using Comet.CometQL.Execution;
using Comet.CometQL.Parsing;
using Comet.CometQL.Prepared;
using Comet.CometQL.Protocol;
using Comet.CometQL.Serialization;

namespace Comet.CometQL;

/// <summary>The commands of an authenticated connection: queries, prepared statements, the small ones.</summary>
internal sealed partial class CometQLSession
{
    private async Task<bool> CommandAsync(ReadOnlyMemory<byte> data)
    {
        if (data.Length == 0)
        {
            WriteError(CometQLErrors.MalformedPacket);
            return true;
        }
        var command = (CommandKind)data.Span[0];
        var body = data[1..];
        try
        {
            switch (command)
            {
                case CommandKind.Quit:
                    return false;
                case CommandKind.Ping:
                    WriteOk();
                    return true;
                case CommandKind.InitDatabase:
                    InitDatabase(Encoding.UTF8.GetString(body.Span));
                    return true;
                case CommandKind.Query:
                    await QueryAsync(body);
                    return true;
                case CommandKind.FieldList:
                    FieldList(body.Span);
                    return true;
                case CommandKind.StatementPrepare:
                    Prepare(body.Span, body.Length);
                    return true;
                case CommandKind.StatementExecute:
                    await ExecuteAsync(body);
                    return true;
                case CommandKind.StatementClose:
                    _statements.Remove(StatementId(body.Span));
                    return true;
                case CommandKind.StatementReset:
                    _ = GetStatement(StatementId(body.Span));
                    WriteOk();
                    return true;
                case CommandKind.StatementSendLongData:
                    // No answer is sent to SEND_LONG_DATA; the refusal comes with the next execution.
                    if (_statements.TryGetValue(StatementId(body.Span), out var statement))
                    {
                        statement.LongDataRefused = true;
                    }
                    return true;
                case CommandKind.SetOption:
                    SetOption(body.Span);
                    return true;
                case CommandKind.ChangeUser:
                    return ChangeUser(body.Span);
                case CommandKind.ResetConnection:
                    _statements.Clear();
                    WriteOk();
                    return true;
                case CommandKind.Statistics:
                    WriteStatistics();
                    return true;
                default:
                    WriteError(CometQLErrors.UnknownCommand);
                    return true;
            }
        }
        catch (CometQLException e)
        {
            WriteError(e.Error);
        }
        catch (MalformedPacketException)
        {
            WriteError(CometQLErrors.MalformedPacket);
        }
        catch (StorageUnavailableException e)
        {
            CometQLLog.StorageUnavailable(_logger, _session.ConnectionId, e);
            WriteError(CometQLErrors.StorageUnavailable);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            CometQLLog.UnexpectedError(_logger, _session.ConnectionId, (int)command, e);
            WriteError(CometQLErrors.InternalError);
        }
        return true;
    }

    private void InitDatabase(string name)
    {
        RequireAuthenticated();
        if (!_databases.TrySelect(_session, name))
        {
            throw new CometQLException(CometQLErrors.SelectDatabaseFailure);
        }
        WriteOk();
    }

    private async Task QueryAsync(ReadOnlyMemory<byte> text)
    {
        var statements = ParseQuery(text.Span, text.Length);
        await RunAsync(statements, binary: false);
    }

    private List<Statement> ParseQuery(ReadOnlySpan<byte> text, int length)
    {
        RequireAuthenticated();
        CheckLength(length);
        var statements = Parser.ParseScript(Encoding.UTF8.GetString(text));
        if (statements.Count == 0)
        {
            throw new CometQLException(CometQLErrors.QueryTooShort);
        }
        if (statements.Count > 1 && !_session.MultiStatements)
        {
            throw new CometQLException(CometQLErrors.MultiStatementsOff);
        }
        return statements;
    }

    private void CheckLength(int length)
    {
        if (length <= 3)
        {
            throw new CometQLException(CometQLErrors.QueryTooShort);
        }
        if (length >= _options.MaxQueryLength)
        {
            throw new CometQLException(CometQLErrors.QueryTooLong);
        }
    }

    /// <summary>Runs statements in order; between results the status says more follow. An error stops the rest (as in MySQL).</summary>
    private async Task RunAsync(List<Statement> statements, bool binary)
    {
        for (var i = 0; i < statements.Count; i++)
        {
            var status = ServerStatus.AutoCommit | (i < statements.Count - 1 ? ServerStatus.MoreResultsExist : ServerStatus.None);
            var result = await _executor.ExecuteAsync(statements[i], _session);
            await ResultSetWriter.WriteAsync(_packets, _output, result, _session.Database ?? "", binary, status, _options.TypedIntegerColumns);
        }
    }

    private void FieldList(ReadOnlySpan<byte> body)
    {
        RequireAuthenticated();
        var end = body.IndexOf((byte)0);
        var name = Encoding.UTF8.GetString(end < 0 ? body : body[..end]);
        if (CometQLTables.Find(name) is { } table)
        {
            foreach (var column in table.Columns)
            {
                ColumnDefinitionPacket.Write(_packets, _session.Database ?? "", table.Name, column,
                    _options.TypedIntegerColumns ? table.KindOf(column) : ColumnKind.Text);
            }
        }
        EofPacket.Write(_packets, ServerStatus.AutoCommit);
    }

    private void Prepare(ReadOnlySpan<byte> text, int length)
    {
        RequireAuthenticated();
        CheckLength(length);
        if (_statements.Count >= _options.MaxPreparedStatements)
        {
            throw new CometQLException(CometQLErrors.TooManyStatements);
        }
        var sql = Encoding.UTF8.GetString(text);
        var parameterCount = Lexer.CountPlaceholders(sql);
        // Check the syntax now, as MySQL does, with every parameter NULL.
        var nulls = new string[parameterCount];
        Array.Fill(nulls, SqlLiteral.Null);
        if (Parser.ParseScript(PlaceholderBinder.Bind(sql, nulls)).Count != 1)
        {
            throw new CometQLException(CometQLErrors.SyntaxError);
        }

        var statement = new PreparedStatement(++_lastStatementId, sql, parameterCount);
        _statements.Add(statement.Id, statement);
        StatementPrepareOkPacket.Write(_packets, statement.Id, 0, parameterCount);
        if (parameterCount > 0)
        {
            for (var i = 0; i < parameterCount; i++)
            {
                ColumnDefinitionPacket.Write(_packets, "", "", "?");
            }
            EofPacket.Write(_packets, ServerStatus.AutoCommit);
        }
    }

    private async Task ExecuteAsync(ReadOnlyMemory<byte> body)
    {
        RequireAuthenticated();
        string sql;
        {
            var r = new PayloadReader(body.Span);
            var statement = GetStatement(r.ReadUInt32());
            r.ReadByte(); // cursor flags: results are always sent at once
            r.ReadUInt32(); // iteration count: always 1
            if (statement.LongDataRefused)
            {
                statement.LongDataRefused = false;
                throw new CometQLException(CometQLErrors.LongDataRefused);
            }
            sql = PlaceholderBinder.Bind(statement.Sql, BinaryParameters.Read(ref r, statement));
        }
        var length = Encoding.UTF8.GetByteCount(sql);
        CheckLength(length);
        var statements = Parser.ParseScript(sql);
        if (statements.Count != 1)
        {
            throw new CometQLException(CometQLErrors.SyntaxError);
        }
        await RunAsync(statements, binary: true);
    }

    private void SetOption(ReadOnlySpan<byte> body)
    {
        var r = new PayloadReader(body);
        var option = r.ReadUInt16();
        _session.ClientCapabilities = option == 0
            ? _session.ClientCapabilities | CapabilityFlags.MultiStatements
            : _session.ClientCapabilities & ~CapabilityFlags.MultiStatements;
        EofPacket.Write(_packets, ServerStatus.AutoCommit);
    }

    private void WriteStatistics()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"Uptime: {Environment.TickCount64 / 1000}  Threads: 1  Questions: 0  Slow queries: 0  Opens: 0  Open tables: {CometQLTables.All.Count}");
        var packet = _packets.Begin(text.Length * 3);
        var w = new PayloadWriter(PacketWriter.PayloadOf(packet));
        w.WriteString(text);
        _packets.End(packet, w.Position);
    }
}
