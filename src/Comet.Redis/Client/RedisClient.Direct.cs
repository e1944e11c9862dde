using System.Diagnostics;
using System.Net;
using Comet.Core.Diagnostics;
using Comet.Redis.Client.Direct;
using Comet.Redis.Scripts;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Comet.Redis.Client;

/// <summary>
/// Scripts on the engine's own connections (<see cref="DirectConnection"/>), routed to the master the
/// library names for the first key (the pinned master on a Sentinel set). What Redis refused or never
/// got goes again through the library's path, which retries and follows the topology; what was sent
/// and not answered fails as the library's path would, with its outcome unknown.
/// </summary>
internal sealed partial class RedisClient
{
    private static DirectConnections? DirectConnectionsFor(ConfigurationOptions configuration, RedisEngineOptions options, ILogger logger)
    {
        if (!options.DirectScripts)
        {
            return null;
        }
        if (configuration.Ssl)
        {
            LogDirectOffForTls(logger);
            return null;
        }
        return new DirectConnections(
            new DirectConnectionSettings(
                configuration.User,
                configuration.Password,
                configuration.DefaultDatabase ?? 0,
                (configuration.ClientName ?? "comet") + "-direct",
                TimeSpan.FromMilliseconds(configuration.AsyncTimeout),
                TimeSpan.FromMilliseconds(configuration.ConnectTimeout)),
            logger);
    }

    /// <summary>The ready direct connection to the master of <paramref name="keys"/>' first key, or null.</summary>
    private DirectConnection? DirectFor(RedisLink link, string[] keys)
    {
        if (_direct is null || keys.Length == 0)
        {
            return null;
        }
        var master = link.Master ?? MasterOf(link.Multiplexer, keys[0]);
        return master is null ? null : _direct.For(master);
    }

    private static EndPoint? MasterOf(ConnectionMultiplexer multiplexer, string key)
    {
        try
        {
            var server = multiplexer.GetServer((RedisKey)key);
            return server.IsConnected && !server.IsReplica ? server.EndPoint : null;
        }
        catch (Exception e) when (e is RedisException or InvalidOperationException)
        {
            // No connected server owns the key (Redis is down): the library's path fails it properly.
            return null;
        }
    }

    private async Task<RedisReply> EvalDirectAsync(RedisLink link, DirectConnection connection, RedisScript script, string[] keys, RedisArg[] args, bool durable)
    {
        return await TryEvalDirectAsync(link, connection, script, keys, args, durable).ConfigureAwait(false)
            // Redis refused it or never got it: the library's path retries and follows the topology.
            ?? await (durable ? EvalDurableThroughLibraryAsync(script, keys, args) : EvalThroughLibraryAsync(script, keys, args)).ConfigureAwait(false);
    }

    /// <summary>The reply, or null when the command was not run (the caller goes through the library).</summary>
    private async Task<RedisReply?> TryEvalDirectAsync(RedisLink link, DirectConnection connection, RedisScript script, string[] keys, RedisArg[] args, bool durable)
    {
        using var span = CometTracing.StartRedis(script.Name);
        var started = Stopwatch.GetTimestamp();
        try
        {
            RespReply reply;
            try
            {
                reply = await connection.EvalAsync(script, byText: false, keys, args).ConfigureAwait(false);
            }
            catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
            {
                // First use, a restart or a failover: EVAL runs it and caches it, on the same connection so
                // that a durable write's WAIT follows it.
                reply = await connection.EvalAsync(script, byText: true, keys, args).ConfigureAwait(false);
            }
            if (durable)
            {
                await ConfirmDurableWriteAsync(link.Multiplexer, keys[0], connection).ConfigureAwait(false);
            }
            return new RedisReply(reply.Value);
        }
        catch (Exception e) when (RedisFailures.Classify(e) is RedisFailure.NotExecuted)
        {
            if (RedisFailures.MeansStaleTopology(e))
            {
                _topology.Request();
            }
            return null;
        }
        catch (Exception e) when (RedisFailures.Classify(e) is var failure and not RedisFailure.None)
        {
            throw Unavailable(e, failure, span);
        }
        finally
        {
            _metrics?.RedisOperation(started);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis over TLS: scripts go through StackExchange.Redis (direct connections speak plain TCP only)")]
    private static partial void LogDirectOffForTls(ILogger logger);
}
