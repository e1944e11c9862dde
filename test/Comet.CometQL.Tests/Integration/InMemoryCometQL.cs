using System.IO.Pipelines;
using Comet.Core;
using Comet.Node;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Comet.CometQL.Tests.Integration;

/// <summary>
/// The real CometQL services and connection handler over in-memory pipes instead of sockets, for
/// tests that swap a part (an engine that fails or waits) or drive the host's lifetime themselves.
/// </summary>
internal sealed class InMemoryCometQL : IAsyncDisposable
{
    private readonly List<(Pipe ToServer, Task Run)> _connections = [];

    private InMemoryCometQL(ServiceProvider services, StoppableLifetime lifetime)
    {
        Services = services;
        Lifetime = lifetime;
    }

    public ServiceProvider Services { get; }

    /// <summary>The host lifetime the handler sees; <see cref="StoppableLifetime.StopApplication"/> starts a drain.</summary>
    public StoppableLifetime Lifetime { get; }

    /// <summary>Core, node and CometQL services; <paramref name="configure"/> adds the engine (and anything else).</summary>
    public static InMemoryCometQL Create(Action<IServiceCollection> configure)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Comet:Password"] = Comet.Testing.TestGateway.Password })
            .Build();
        var lifetime = new StoppableLifetime();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new ProductionEnvironment());
        services.AddSingleton<IHostApplicationLifetime>(lifetime);
        services.AddCometCore(configuration);
        services.AddCometNode();
        services.AddCometQL(configuration);
        configure(services);
        return new InMemoryCometQL(services.BuildServiceProvider(), lifetime);
    }

    /// <summary>A new connection to the handler and a raw client on it (greeting read); <c>Run</c> ends when the server is done with it.</summary>
    public async Task<(RawMySqlClient Client, Task Run)> ConnectAsync()
    {
        var (stream, run) = ConnectStream();
        return (await RawMySqlClient.ConnectAsync(stream), run);
    }

    /// <summary>A new connection as a bare stream: the test reads what the server sends first.</summary>
    public (Stream Stream, Task Run) ConnectStream()
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        var connection = new DefaultConnectionContext("test", new DuplexPipe(toServer.Reader, toClient.Writer), new DuplexPipe(toClient.Reader, toServer.Writer));
        var run = RunAsync(Services.GetRequiredService<CometQLConnectionHandler>(), connection, toClient.Writer);
        _connections.Add((toServer, run));
        return (new DuplexStream(toClient.Reader.AsStream(), toServer.Writer.AsStream()), run);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (toServer, run) in _connections)
        {
            await toServer.Writer.CompleteAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(10));
        }
        await Services.DisposeAsync();
    }

    /// <summary>As Kestrel does when the handler returns: the client's read side ends.</summary>
    private static async Task RunAsync(CometQLConnectionHandler handler, ConnectionContext connection, PipeWriter toClient)
    {
        try
        {
            await handler.OnConnectedAsync(connection);
        }
        finally
        {
            await toClient.CompleteAsync();
        }
    }

    /// <summary>An <see cref="IHostApplicationLifetime"/> a test stops by hand.</summary>
    internal sealed class StoppableLifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new();

        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => _stopping.Token;
        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => _stopping.Cancel();

        public void Dispose() => _stopping.Dispose();
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    private sealed class DuplexStream(Stream read, Stream write) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => write.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => write.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => read.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => read.ReadAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => write.Write(buffer, offset, count);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => write.WriteAsync(buffer, cancellationToken);
    }

    private sealed class ProductionEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;
        public string ApplicationName { get; set; } = "Comet.CometQL.Tests";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
