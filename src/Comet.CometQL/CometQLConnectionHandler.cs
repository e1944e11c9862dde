using Comet.Core.Diagnostics;
using Comet.Core.Security;
using Comet.CometQL.Execution;
using Comet.CometQL.Protocol;
using Comet.CometQL.Serialization;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Comet.CometQL;

/// <summary>Kestrel's entry point for the CometQL port: one <see cref="CometQLSession"/> per TCP connection.</summary>
public sealed class CometQLConnectionHandler : ConnectionHandler
{
    private readonly StatementExecutor _executor;
    private readonly DatabaseSelector _databases;
    private readonly DevKeyProvider _keys;
    private readonly CometMetrics _metrics;
    private readonly CometQLOptions _options;
    private readonly ILogger<CometQLConnectionHandler> _logger;
    private int _open;

    internal CometQLConnectionHandler(
        StatementExecutor executor,
        DatabaseSelector databases,
        DevKeyProvider keys,
        CometMetrics metrics,
        IOptions<CometQLOptions> options,
        ILogger<CometQLConnectionHandler> logger)
    {
        _executor = executor;
        _databases = databases;
        _keys = keys;
        _metrics = metrics;
        _options = options.Value;
        _logger = logger;
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _metrics.CometQLOpened();
        try
        {
            if (Interlocked.Increment(ref _open) > _options.MaxConnections)
            {
                // As MySQL does: an error packet instead of the greeting, then close.
                var packets = new PacketWriter(connection.Transport.Output);
                ErrorPacket.Write(packets, CometQLErrors.TooManyConnections.Code, CometQLErrors.TooManyConnections.Message);
                await connection.Transport.Output.FlushAsync();
                return;
            }
            await new CometQLSession(connection, _executor, _databases, _keys, _options, _logger).RunAsync();
        }
        catch (Exception e) when (e is ConnectionResetException or IOException or OperationCanceledException or InvalidOperationException)
        {
            // The client went away mid-answer; nothing is left to tell it.
        }
        finally
        {
            Interlocked.Decrement(ref _open);
            _metrics.CometQLClosed();
        }
    }
}
