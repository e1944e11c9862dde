namespace Comet.Redis.Scripts;

/// <summary>Every script the engine runs, read once at start-up.</summary>
internal static class RedisScripts
{
    public static readonly RedisScript Publish = RedisScript.Load("publish");
    public static readonly RedisScript SetLogLength = RedisScript.Load("set_log_length");
    public static readonly RedisScript DeleteLogEntries = RedisScript.Load("delete_log_entries");
    public static readonly RedisScript SetIfAbsent = RedisScript.Load("set_if_absent");
    public static readonly RedisScript RevokeToken = RedisScript.Load("revoke_token");
    public static readonly RedisScript Subscribe = RedisScript.Load("subscribe");
    public static readonly RedisScript ReapPipe = RedisScript.Load("reap_pipe");
    public static readonly RedisScript Connect = RedisScript.Load("connect");
    public static readonly RedisScript Disconnect = RedisScript.Load("disconnect");
    public static readonly RedisScript ReapUser = RedisScript.Load("reap_user");
    public static readonly RedisScript SendToUser = RedisScript.Load("send_to_user");
    public static readonly RedisScript TakeForNode = RedisScript.Load("take_for_node");
    public static readonly RedisScript AckForNode = RedisScript.Load("ack_for_node");
    public static readonly RedisScript QueueGet = RedisScript.Load("queue_get");
    public static readonly RedisScript QueueClear = RedisScript.Load("queue_clear");
    public static readonly RedisScript Acknowledge = RedisScript.Load("ack");
    public static readonly RedisScript Heartbeat = RedisScript.Load("heartbeat");
    public static readonly RedisScript ClaimDead = RedisScript.Load("claim_dead");
}
