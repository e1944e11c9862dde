using System.Net;
using System.Text;
using Comet.Testing;

namespace Comet.Cluster.Tests;

/// <summary>
/// A minimal OTLP/HTTP receiver on a free loopback port: it keeps every request body by path
/// (<c>/v1/metrics</c>, <c>/v1/traces</c>) and answers 200. OTLP's protobuf carries instrument
/// names, span names and string attributes as plain UTF-8, so a test can look for them in the bytes.
/// </summary>
internal sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<(string Path, byte[] Body)> _requests = [];
    private readonly Task _loop;

    public OtlpReceiver()
    {
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>Everything received on <paramref name="path"/> so far, as text (binary bytes mangled, names intact).</summary>
    public string Received(string path)
    {
        lock (_requests)
        {
            var text = new StringBuilder();
            foreach (var (p, body) in _requests)
            {
                if (p == path)
                {
                    text.Append(Encoding.UTF8.GetString(body)).Append('\n');
                }
            }
            return text.ToString();
        }
    }

    /// <summary>Waits until every one of <paramref name="names"/> was received on <paramref name="path"/>.</summary>
    public Task WaitForAsync(string path, IReadOnlyCollection<string> names, TimeSpan timeout) =>
        Wait.UntilAsync(() => names.Where(n => !Received(path).Contains(n, StringComparison.Ordinal)).ToList(), missing => missing.Count == 0,
            $"{path} to carry every name (missing ones last seen)", timeout);

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            lock (_requests)
            {
                _requests.Add((context.Request.Url?.AbsolutePath ?? "", body.ToArray()));
            }
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
