using Comet.Core.Engine;

namespace Comet.Core.Memory;

/// <summary>A registered connection and the pipes it is subscribed to.</summary>
/// <remarks>Guarded by <see cref="Sync"/>. Once <see cref="Closed"/> nothing may subscribe it again,
/// so a late subscription update cannot leave a ghost subscriber behind.</remarks>
internal sealed class MemoryConnection(ClientRecord info)
{
    public Lock Sync { get; } = new();

    public ClientRecord Info { get; } = info;

    public HashSet<string> Pipes { get; } = new(StringComparer.Ordinal);

    public bool Closed { get; set; }
}
