using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace Comet.WebSockets.Transport;

/// <summary>What <see cref="CometWebSocket.ReceiveAsync"/> returns.</summary>
internal enum ReceivedKind
{
    /// <summary>A client message (<see cref="Received.Text"/>).</summary>
    Message,

    /// <summary>A message over the size limit, discarded.</summary>
    Oversized,

    /// <summary>The client's close frame.</summary>
    Close,

    /// <summary>A frame breaking RFC 6455 (<see cref="Received.Text"/> says which rule).</summary>
    ProtocolError,

    /// <summary>The connection ended without a close frame.</summary>
    Ended,
}

/// <summary>One thing the client sent.</summary>
internal readonly record struct Received(ReceivedKind Kind, string Text = "");

internal sealed partial class CometWebSocket
{
    /// <summary>Reads until a whole message, a close frame or the end. Pings are answered on the way.
    /// While nothing arrives no buffer is held (the transport allocates when data is there).</summary>
    public async ValueTask<Received> ReceiveAsync()
    {
        while (true)
        {
            ReadResult result;
            try
            {
                result = await _input.ReadAsync();
            }
            catch (Exception exception) when (exception is IOException or ConnectionAbortedException or OperationCanceledException or ObjectDisposedException)
            {
                return new Received(ReceivedKind.Ended);
            }
            Volatile.Write(ref _lastReceived, Environment.TickCount64);
            var buffer = result.Buffer;
            var kind = _parser.Parse(ref buffer);
            if (_parser.PendingPong is { } pong)
            {
                _parser.PendingPong = null;
                Volatile.Write(ref _pendingPong, pong);
                Signal();
            }
            if (kind == ParsedKind.NeedMore)
            {
                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return new Received(ReceivedKind.Ended);
                }
                continue;
            }
            _input.AdvanceTo(buffer.Start);
            return kind switch
            {
                ParsedKind.Message => new Received(ReceivedKind.Message, _parser.TakeText()),
                ParsedKind.Oversized => new Received(ReceivedKind.Oversized),
                ParsedKind.Close => new Received(ReceivedKind.Close),
                _ => new Received(ReceivedKind.ProtocolError, _parser.ProtocolErrorReason),
            };
        }
    }
}
