using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Comet.Core.Security;
using Comet.CometQL.Execution;
using Comet.CometQL.Prepared;
using Comet.CometQL.Protocol;
using Comet.CometQL.Serialization;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Comet.CometQL;

/// <summary>
/// One CometQL connection: the greeting, authentication, then commands until the client quits.
/// Errors in a command are answered with an error packet and the connection stays usable;
/// protocol violations that leave the stream unreadable (oversized packets, a bad login) close it.
/// </summary>
internal sealed partial class CometQLSession
{
    /// <summary>What we offer: no SSL, no compression, no LOAD DATA LOCAL, EOF packets (no DEPRECATE_EOF).</summary>
    public const CapabilityFlags ServerCapabilities =
        CapabilityFlags.LongPassword | CapabilityFlags.FoundRows | CapabilityFlags.LongFlag | CapabilityFlags.ConnectWithDb
        | CapabilityFlags.NoSchema | CapabilityFlags.Odbc | CapabilityFlags.IgnoreSpace | CapabilityFlags.Protocol41
        | CapabilityFlags.Interactive | CapabilityFlags.IgnoreSigpipe | CapabilityFlags.Transactions
        | CapabilityFlags.SecureConnection | CapabilityFlags.MultiStatements | CapabilityFlags.MultiResults
        | CapabilityFlags.PreparedStatementMultiResults | CapabilityFlags.PluginAuth | CapabilityFlags.ConnectAttributes
        | CapabilityFlags.PluginAuthLengthEncodedClientData;

    private const byte Utf8Mb4GeneralCi = 45;
    private const string HealthCheckUserPrefix = "haproxy_check";

    private static int s_lastConnectionId;

    private readonly ConnectionContext _connection;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly PacketWriter _packets;
    private readonly StatementExecutor _executor;
    private readonly DatabaseSelector _databases;
    private readonly DevKeyProvider _keys;
    private readonly CometQLOptions _options;
    private readonly ILogger _logger;
    private readonly SessionState _session;
    private readonly byte[] _scramble = CreateScramble();
    private readonly Dictionary<uint, PreparedStatement> _statements = [];
    private uint _lastStatementId;
    private Phase _phase = Phase.HandshakeResponse;
    private HandshakeResponse41? _pendingLogin;

    private enum Phase
    {
        HandshakeResponse,
        AuthSwitchResponse,
        Command,
    }

    public CometQLSession(ConnectionContext connection, StatementExecutor executor, DatabaseSelector databases,
        DevKeyProvider keys, CometQLOptions options, ILogger logger)
    {
        _connection = connection;
        _input = connection.Transport.Input;
        _output = connection.Transport.Output;
        _packets = new PacketWriter(_output);
        _executor = executor;
        _databases = databases;
        _keys = keys;
        _options = options;
        _logger = logger;
        _session = new SessionState((uint)Interlocked.Increment(ref s_lastConnectionId), connection.RemoteEndPoint);
    }

    public async Task RunAsync()
    {
        InitialHandshakePacket.Write(_packets, ServerIdentity.Version, _session.ConnectionId, _scramble, ServerCapabilities,
            Utf8Mb4GeneralCi, ServerStatus.AutoCommit, _options.AuthPlugin);
        await _output.FlushAsync(_connection.ConnectionClosed);

        // One timer for the whole connection: the login must finish within HandshakeTimeout, and
        // afterwards each wait for a command is bounded by IdleTimeout (re-armed before every read).
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_connection.ConnectionClosed);
        while (true)
        {
            timeout.CancelAfter(_phase == Phase.Command ? _options.IdleTimeout : _options.HandshakeTimeout);
            ReadResult result;
            try
            {
                result = await _input.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                var reason = _connection.ConnectionClosed.IsCancellationRequested ? "closed by the client"
                    : _phase == Phase.Command ? "idle timeout" : "login timed out";
                CometQLLog.Closed(_logger, _session.ConnectionId, reason);
                return;
            }
            var buffer = result.Buffer;
            var keepOpen = true;
            try
            {
                while (keepOpen)
                {
                    var outcome = PacketFramer.TryRead(ref buffer, _options.MaxPacketSize, out var sequenceId, out var payload);
                    if (outcome == PacketFramer.Outcome.NeedMoreData)
                    {
                        break;
                    }
                    _packets.SequenceId = (byte)(sequenceId + 1);
                    if (outcome == PacketFramer.Outcome.TooLarge)
                    {
                        WriteError(CometQLErrors.PacketTooLarge);
                        await _output.FlushAsync();
                        CometQLLog.Closed(_logger, _session.ConnectionId, "packet too large");
                        return;
                    }
                    keepOpen = await HandlePacketAsync(payload);
                    await _output.FlushAsync();
                }
            }
            finally
            {
                _input.AdvanceTo(buffer.Start, buffer.End);
            }
            if (!keepOpen || result.IsCompleted)
            {
                return;
            }
        }
    }

    private async Task<bool> HandlePacketAsync(ReadOnlySequence<byte> payload)
    {
        byte[]? rented = null;
        ReadOnlyMemory<byte> data;
        if (payload.IsSingleSegment)
        {
            data = payload.First;
        }
        else
        {
            rented = ArrayPool<byte>.Shared.Rent((int)payload.Length);
            payload.CopyTo(rented);
            data = rented.AsMemory(0, (int)payload.Length);
        }
        try
        {
            return _phase switch
            {
                Phase.HandshakeResponse => Login(data.Span),
                Phase.AuthSwitchResponse => FinishAuthSwitch(data.Span),
                _ => await CommandAsync(data),
            };
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private PreparedStatement GetStatement(uint id) =>
        _statements.TryGetValue(id, out var statement) ? statement : throw new CometQLException(CometQLErrors.UnknownStatement);

    private static uint StatementId(ReadOnlySpan<byte> body)
    {
        var r = new PayloadReader(body);
        return r.ReadUInt32();
    }

    private void RequireAuthenticated()
    {
        if (!_session.Authenticated)
        {
            throw new CometQLException(CometQLErrors.AccessDenied);
        }
    }

    private void WriteOk() => OkPacket.Write(_packets, 0, 0, ServerStatus.AutoCommit);

    private void WriteError(CometQLError error) => ErrorPacket.Write(_packets, error.Code, error.Message);

    /// <summary>20 random bytes without NUL (the greeting NUL-terminates the second part).</summary>
    private static byte[] CreateScramble()
    {
        var scramble = RandomNumberGenerator.GetBytes(20);
        for (var i = 0; i < scramble.Length; i++)
        {
            scramble[i] = (byte)(33 + (scramble[i] % 94));
        }
        return scramble;
    }
}
