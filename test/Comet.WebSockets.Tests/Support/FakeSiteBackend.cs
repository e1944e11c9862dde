using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Comet.Testing;

namespace Comet.WebSockets.Tests.Support;

/// <summary>
/// A site backend on a real loopback HTTP port that answers the gateway's private-channel question
/// the way docs/websocket.md describes: it checks the HMAC signature, then allows or refuses.
/// </summary>
public sealed class FakeSiteBackend : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly string _key;
    private readonly Func<JsonElement, bool> _decide;

    public FakeSiteBackend(string key, Func<JsonElement, bool> decide)
    {
        _key = key;
        _decide = decide;
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/comet/authorize");

    /// <summary>Every question asked (the JSON body), and whether its signature was right.</summary>
    public List<(JsonElement Body, bool SignatureValid)> Requests { get; } = [];

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var bytes = body.ToArray();
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(_key), bytes));
            var valid = CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(context.Request.Headers["X-Comet-Signature"] ?? ""));
            using var document = JsonDocument.Parse(bytes);
            var json = document.RootElement.Clone();
            lock (Requests)
            {
                Requests.Add((json, valid));
            }
            context.Response.StatusCode = valid && _decide(json) ? 200 : 403;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
