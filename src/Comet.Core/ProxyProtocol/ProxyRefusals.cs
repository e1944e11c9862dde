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
}
