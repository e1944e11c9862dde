using StackExchange.Redis;

namespace Comet.Redis.Client;

/// <summary>Turns <see cref="RedisEngineOptions"/> into the library's configuration.</summary>
internal static class RedisConfiguration
{
    public static ConfigurationOptions Build(RedisEngineOptions options, string clientName)
    {
        // The string names the servers (or the sentinels with serviceName=), user=, password=, ssl=…
        var configuration = ConfigurationOptions.Parse(options.Configuration);
        configuration.AbortOnConnectFail = false;
        // A command for a server that is not connected fails at once instead of waiting in a backlog:
        // the engine decides what to retry, and an outage still answers "storage unavailable" quickly.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.Protocol = options.Protocol == RedisProtocolVersion.Resp2 ? RedisProtocol.Resp2 : RedisProtocol.Resp3;
        configuration.ClientName ??= clientName;
        // Half the operation deadline (which covers retries) for one command. The library also drops a
        // connection that read nothing for four of these while commands timed out: a hung master's
        // connection goes after twice the deadline, so the client stops routing to it and follows the
        // promoted replica (a Sentinel set keeps the old master selectable as long as it is connected).
        var commandTimeout = Math.Max((int)options.OperationTimeout.TotalMilliseconds / 2, 25);
        configuration.SyncTimeout = commandTimeout;
        configuration.AsyncTimeout = commandTimeout;
        // Also how long a topology refresh waits for every server to answer: a hung master delays the
        // refresh that finds its replica promoted by this much.
        configuration.ConnectTimeout = Math.Clamp(commandTimeout, 500, 5000);
        configuration.KeepAlive = 5;
        // Besides following MOVED and the sentinels' announcements at once, look at the whole topology
        // now and then (the library's default is a minute).
        configuration.ConfigCheckSeconds = 10;
        return configuration;
    }
}
