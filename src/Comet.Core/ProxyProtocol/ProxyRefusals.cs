using System.IO.Pipelines;
using System.Text;

namespace Comet.Core.ProxyProtocol;

/// <summary>What a refused peer reads on the HTTP/WebSocket ports, and the texts both ports share.</summary>
public static class ProxyRefusals
{
    /// <summary>The text for a PROXY header from a peer that is not a trusted proxy.</summary>
    public static string Untrusted(System.Net.EndPoint? peer) =>
        $"PROXY protocol header refused: {(peer as System.Net.IPEndPoint)?.Address.ToString() ?? "this peer"} is not a trusted proxy (Comet:ProxyProtocol:TrustedProxies).";

    /// <summary>HTTP/1.1 400 with the reason as plain text, and the connection closes.</summary>
    public static async ValueTask WriteHttpAsync(PipeWriter output, string message)
    {
        ArgumentNullException.ThrowIfNull(output);
        var body = Encoding.UTF8.GetBytes(message + "\n");
        var head = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        await output.WriteAsync(head);
        await output.WriteAsync(body);
    }

    /// <summary>How long a refused peer's late bytes are read and dropped before the connection closes.</summary>
    public static readonly TimeSpan DrainTime = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Reads and drops what a refused peer still sends, for <see cref="DrainTime"/> or until it closes:
    /// closing a socket that still has unread bytes (the rest of the peer's request, arriving just after
    /// the refusal) makes the kernel send a reset instead of what it has not sent yet, so the refusal can
    /// be lost (seen once in the compose test: an empty answer). It also gives the transport time to send
    /// the refusal before the connection is torn down. Call it after the refusal was flushed.
    /// </summary>
    public static async ValueTask DrainAsync(PipeReader input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var timeout = new CancellationTokenSource(DrainTime);
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(timeout.Token);
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or InvalidOperationException
            or Microsoft.AspNetCore.Connections.ConnectionResetException or Microsoft.AspNetCore.Connections.ConnectionAbortedException)
        {
            // The time is up, or the peer is gone: either way the connection may close now.
        }
    }
}
