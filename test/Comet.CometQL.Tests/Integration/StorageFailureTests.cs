using System.Reflection;
using Comet.Core.Engine;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.CometQL.Tests.Integration;

/// <summary>
/// An engine that cannot reach its storage, or fails unexpectedly: the client gets error 500 and the
/// connection stays usable. The session runs over in-memory pipes with a failing engine in DI (<see cref="InMemoryCometQL"/>).
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

    /// <summary>A logged-in raw client on a session whose engine always fails.</summary>
    private sealed class FailingSession : IAsyncDisposable
    {
        private readonly InMemoryCometQL _server;

        private FailingSession(InMemoryCometQL server, RawMySqlClient client)
        {
            _server = server;
            Client = client;
        }

        public RawMySqlClient Client { get; }

        public static async Task<FailingSession> StartAsync(Exception error)
        {
            var server = InMemoryCometQL.Create(services => services.AddSingleton<ICometEngine>(new FailingEngine(error)));
            var (client, _) = await server.ConnectAsync();
            await client.LoginAsync();
            return new FailingSession(server, client);
        }

        public async ValueTask DisposeAsync()
        {
            await _server.DisposeAsync();
            await Client.DisposeAsync();
        }
    }

    /// <summary>Every engine call throws the given exception.</summary>
    private sealed class FailingEngine(Exception error) : ICometEngine
    {
        public string Name => "failing";
        public IUserStore Users { get; } = Throwing<IUserStore>(error);
        public IPipeStore Pipes { get; } = Throwing<IPipeStore>(error);
        public IMessageBus Bus { get; } = Throwing<IMessageBus>(error);
        public IPresence Presence { get; } = Throwing<IPresence>(error);
        public bool IsReady => false;
        public Task StartAsync(ILocalNode node, CancellationToken cancellationToken) => Task.CompletedTask;
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
