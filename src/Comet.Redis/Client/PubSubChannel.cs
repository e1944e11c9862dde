namespace Comet.Redis.Client;

/// <summary>A pub/sub channel: classic (<c>SUBSCRIBE</c>/<c>PUBLISH</c>, broadcast to every shard of a
/// Cluster) or sharded (<c>SSUBSCRIBE</c>/<c>SPUBLISH</c>, served by the shard that owns its hash slot).</summary>
internal readonly record struct PubSubChannel(string Name, bool Sharded)
{
    public override string ToString() => Sharded ? "sharded:" + Name : Name;
}
