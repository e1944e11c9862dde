using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Connections.Features;
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
    /// <summary>What we always offer (SSL is added when a certificate is configured): no compression, no LOAD DATA LOCAL, EOF packets (no DEPRECATE_EOF).</summary>
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
    private readonly CometQLServices _services;
    private readonly StatementExecutor _executor;
    private readonly DatabaseSelector _databases;
    private readonly DevKeyProvider _keys;
    private readonly CometQLOptions _options;
    private readonly ILogger _logger;
    private readonly SessionState _session;
    private readonly CancellationToken _drain;
    private readonly byte[] _scramble = CreateScramble();
    private readonly Dictionary<uint, PreparedStatement> _statements = [];
    private PipeReader _input;
    private PipeWriter _output;
    private PacketWriter _packets;
    private SslStream? _tls;
    private bool _tlsRequested;
    private bool _firstPacketRead;
    private uint _lastStatementId;
    private Phase _phase = Phase.HandshakeResponse;
    private HandshakeResponse41? _pendingLogin;

    private enum Phase
    {
        HandshakeResponse,
        AuthSwitchResponse,
        Command,
    }

    /// <param name="drain">Cancelled when the host stops: the statement in flight is answered, then the connection closes.</param>
    public CometQLSession(ConnectionContext connection, CometQLServices services, CancellationToken drain)
    {
        _connection = connection;
        _services = services;
        _input = connection.Transport.Input;
        _output = connection.Transport.Output;
        _packets = new PacketWriter(_output);
        _executor = services.Executor;
        _databases = services.Databases;
        _keys = services.Keys;
        _options = services.Options;
        _logger = services.Logger;
        _drain = drain;
        _session = new SessionState((uint)Interlocked.Increment(ref s_lastConnectionId), connection.RemoteEndPoint);
    }

    /// <summary>What the greeting offers: SSL only when a certificate is configured.</summary>
    private CapabilityFlags OfferedCapabilities =>
        _services.Tls.IsConfigured ? ServerCapabilities | CapabilityFlags.Ssl : ServerCapabilities;

    public async Task RunAsync()
    {
        try
        {
            await RunSessionAsync();
        }
        finally
        {
            if (_tls is not null)
            {
                await _tls.DisposeAsync();
            }
        }
    }

    private async Task RunSessionAsync()
    {
        InitialHandshakePacket.Write(_packets, ServerIdentity.Version, _session.ConnectionId, _scramble, OfferedCapabilities,
            Utf8Mb4GeneralCi, ServerStatus.AutoCommit, _options.AuthPlugin);
        await _output.FlushAsync(_connection.ConnectionClosed);

        // Kestrel asks a connection to close when the server stops (after the host's ApplicationStopping).
        var closeRequested = _connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? default;
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(_drain, closeRequested);
        // One timer for the whole connection: the login must finish within HandshakeTimeout, and
        // afterwards each wait for a command is bounded by IdleTimeout (re-armed before every read).
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_connection.ConnectionClosed, drain.Token);
        while (true)
        {
            timeout.CancelAfter(_phase == Phase.Command ? _options.IdleTimeout : _options.HandshakeTimeout);
            ReadResult result;
            try
            {
                result = await _input.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (drain.IsCancellationRequested && _phase == Phase.Command && TryReadArrived(out result))
            {
                // Draining, but a statement had already arrived: it is answered below, then the connection closes.
            }
            catch (OperationCanceledException)
            {
                var reason = _connection.ConnectionClosed.IsCancellationRequested ? "closed by the client"
                    : drain.IsCancellationRequested ? "the server is stopping"
                    : _phase == Phase.Command ? "idle timeout" : "login timed out";
                if (_phase != Phase.Command && !drain.IsCancellationRequested && !_connection.ConnectionClosed.IsCancellationRequested)
                {
                    _services.Instruments.LoginTimedOut();
                }
                CometQLLog.Closed(_logger, _session.ConnectionId, reason);
                return;
            }
            var buffer = result.Buffer;
            var keepOpen = true;
            try
            {
                while (keepOpen && !_tlsRequested)
                {
                    if (!_firstPacketRead && buffer.Length >= PacketFramer.HeaderSize)
                    {
                        _firstPacketRead = true;
                        if (IsProxyHeader(buffer))
                        {
                            await RefuseProxyHeaderAsync();
                            return;
                        }
                    }
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
                    if (drain.IsCancellationRequested && _phase == Phase.Command)
                    {
                        // Draining: the statement in flight has its answer; close before the next one.
                        CometQLLog.Closed(_logger, _session.ConnectionId, "the server is stopping");
                        keepOpen = false;
                    }
                }
            }
            finally
            {
                // Before a TLS upgrade the rest of the buffer (the ClientHello) is left unexamined for SslStream.
                _input.AdvanceTo(buffer.Start, _tlsRequested ? buffer.Start : buffer.End);
            }
            if (!keepOpen || (result.IsCompleted && !_tlsRequested))
            {
                return;
            }
            if (_tlsRequested && !await UpgradeToTlsAsync(timeout.Token))
            {
                return;
            }
        }
    }

    /// <summary>Bytes that arrived before the drain cancelled the read (a statement already in flight).</summary>
    private bool TryReadArrived(out ReadResult result)
    {
        try
        {
            if (_input.TryRead(out result))
            {
                if (!result.Buffer.IsEmpty)
                {
                    return true;
                }
                _input.AdvanceTo(result.Buffer.Start);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or ObjectDisposedException)
        {
            // The transport is gone: nothing arrived that could still be answered.
        }
        result = default;
        return false;
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

    private void WriteError(CometQLError error) => ErrorPacket.Write(_packets, error);

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
