using System.IO.Pipelines;
using System.Reflection;
using Comet.Core;
using Comet.Core.Engine;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Comet.CometQL.Tests.Integration;

/// <summary>
/// An engine that cannot reach its storage, or fails unexpectedly: the client gets error 500 and the
/// connection stays usable. The session runs over in-memory pipes with a failing engine in DI.
/// </summary>
public sealed class StorageFailureTests
{
    [Fact]
    public async Task Storage_unavailable_is_error_500_and_the_connection_stays_usable()
    {
        await using var session = await FailingSession.StartAsync(new StorageUnavailableException());
        var (code, message) = RawMySqlClient.Error(await session.Client.QueryAsync("SELECT * FROM users_auth WHERE id = 1"));
        Assert.Equal(500, code);
        Assert.Contains("storage is unavailable", message, StringComparison.Ordinal);
        Assert.Equal(500, RawMySqlClient.Error(await session.Client.QueryAsync("INSERT INTO pipes_messages (name, event, message) VALUES ('abc', 'e', 'm')")).Code);
        Assert.Equal(0x00, (await session.Client.CommandAsync(0x0E, []))[0]);
        var rows = await session.Client.ReadResultSetAsync(await session.Client.QueryAsync("SELECT @@version"));
        Assert.Single(rows);
    }

    [Fact]
    public async Task An_unexpected_engine_error_is_error_500_with_a_generic_text()
    {
        await using var session = await FailingSession.StartAsync(new InvalidOperationException("secret internals"));
        var (code, message) = RawMySqlClient.Error(await session.Client.QueryAsync("SELECT * FROM users_time WHERE id = 1"));
        Assert.Equal(500, code);
        Assert.Equal("Internal server error", message);
        Assert.Equal(0x00, (await session.Client.CommandAsync(0x0E, []))[0]);
    }

    private sealed class FailingSession : IAsyncDisposable
    {
        private readonly ServiceProvider _services;
        private readonly Task _run;
        private readonly Pipe _toServer;

        private FailingSession(ServiceProvider services, Task run, Pipe toServer, RawMySqlClient client)
        {
            _services = services;
            _run = run;
            _toServer = toServer;
            Client = client;
        }

        public RawMySqlClient Client { get; }

        public static async Task<FailingSession> StartAsync(Exception error)
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Comet:Password"] = Comet.Testing.TestGateway.Password })
                .Build();
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton<IHostEnvironment>(new ProductionEnvironment());
            services.AddCometCore(configuration);
            services.AddCometQL(configuration);
            services.AddSingleton<ICometEngine>(new FailingEngine(error));
            var provider = services.BuildServiceProvider();

            var toServer = new Pipe();
            var toClient = new Pipe();
            var connection = new DefaultConnectionContext("test", new DuplexPipe(toServer.Reader, toClient.Writer), new DuplexPipe(toClient.Reader, toServer.Writer));
            var run = provider.GetRequiredService<CometQLConnectionHandler>().OnConnectedAsync(connection);
            var stream = new DuplexStream(toClient.Reader.AsStream(), toServer.Writer.AsStream());
            var client = await RawMySqlClient.ConnectAsync(stream);
            await client.LoginAsync();
            return new FailingSession(provider, run, toServer, client);
        }

        public async ValueTask DisposeAsync()
        {
            await _toServer.Writer.CompleteAsync();
            await _run.WaitAsync(TimeSpan.FromSeconds(10));
            await Client.DisposeAsync();
            await _services.DisposeAsync();
        }
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

    /// <summary>Every engine call throws the given exception.</summary>
    private sealed class FailingEngine(Exception error) : ICometEngine
    {
        public IUserStore Users { get; } = Throwing<IUserStore>(error);
        public IPipeStore Pipes { get; } = Throwing<IPipeStore>(error);
        public IMessageBus Bus { get; } = Throwing<IMessageBus>(error);
        public IPresence Presence { get; } = Throwing<IPresence>(error);
        public bool IsReady => false;
        public Task StartAsync(ILocalDelivery delivery, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        private static T Throwing<T>(Exception error)
        {
            var proxy = DispatchProxy.Create<T, ThrowingProxy>();
            ((ThrowingProxy)(object)proxy!).Error = error;
            return proxy;
        }
    }

    public class ThrowingProxy : DispatchProxy
    {
        public Exception Error { get; set; } = new InvalidOperationException();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => throw Error;
    }
}
