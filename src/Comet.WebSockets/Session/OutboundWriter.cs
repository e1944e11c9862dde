using System.Buffers;
using System.Net.WebSockets;
using Comet.Core.Diagnostics;
using Comet.Core.Hub;

namespace Comet.WebSockets.Session;

/// <summary>
/// Writes a connection's messages to its socket. When several are waiting they share one text frame,
/// separated by <c>\n</c> (the JS client splits frames on newlines), which saves frames under load.
/// </summary>
internal sealed class OutboundWriter(WebSocket socket, HubConnection connection, int maxBatchBytes, CometMetrics metrics)
{
    /// <summary>Sends messages in as few frames as the batch size allows (the greeting and offline queue).</summary>
    public async Task SendAllAsync(IReadOnlyList<byte[]> messages, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(maxBatchBytes);
        try
        {
            var used = 0;
            foreach (var bytes in messages)
            {
                used = await AppendAsync(buffer, used, bytes, cancellationToken);
            }
            if (used > 0)
            {
                await SendFrameAsync(buffer.AsMemory(0, used), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Drains the connection's queue until it completes or a close is requested.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var reader = connection.Outbound;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            if (connection.CloseRequested is not null)
            {
                return;
            }
            if (!reader.TryRead(out var first))
            {
                continue;
            }
            if (!reader.TryPeek(out _))
            {
                // One message waiting (the common case below saturation): send its shared bytes as
                // they are, without renting a batch buffer and copying into it.
                await SendFrameAsync(first.GetBytes(connection.Compat), cancellationToken);
                metrics.MessageWritten(first.ReceivedTimestamp);
                continue;
            }
            var buffer = ArrayPool<byte>.Shared.Rent(maxBatchBytes);
            try
            {
                var used = await AppendAsync(buffer, 0, first.GetBytes(connection.Compat), cancellationToken);
                metrics.MessageWritten(first.ReceivedTimestamp);
                while (connection.CloseRequested is null && reader.TryRead(out var message))
                {
                    used = await AppendAsync(buffer, used, message.GetBytes(connection.Compat), cancellationToken);
                    metrics.MessageWritten(message.ReceivedTimestamp);
                }
                if (used > 0 && connection.CloseRequested is null)
                {
                    await SendFrameAsync(buffer.AsMemory(0, used), cancellationToken);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Adds a message to the batch, sending the batch first when the message does not fit.</summary>
    private async ValueTask<int> AppendAsync(byte[] buffer, int used, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var limit = Math.Min(buffer.Length, maxBatchBytes);
        if (used > 0 && used + 1 + bytes.Length > limit)
        {
            await SendFrameAsync(buffer.AsMemory(0, used), cancellationToken);
            used = 0;
        }
        if (bytes.Length > limit)
        {
            await SendFrameAsync(bytes, cancellationToken);
            return 0;
        }
        if (used > 0)
        {
            buffer[used++] = (byte)'\n';
        }
        bytes.Span.CopyTo(buffer.AsSpan(used));
        return used + bytes.Length;
    }

    private ValueTask SendFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken) =>
        socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
}
