using Comet.Redis.Scripts;

namespace Comet.Redis.Client;

/// <summary>One script call of a pipelined batch.</summary>
internal readonly record struct ScriptCall(RedisScript Script, string[] Keys, RedisArg[] Args);
