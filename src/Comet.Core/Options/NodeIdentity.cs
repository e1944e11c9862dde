using System.Security.Cryptography;

namespace Comet.Core.Options;

/// <summary>
/// Who this process is in the cluster: the configured node name plus an incarnation drawn at start, so
/// that a process restarted under the same name (a container restarting in its pod) is a new member and
/// never inherits the dead process's connections, ids or read positions.
/// </summary>
public sealed class NodeIdentity
{
    public NodeIdentity(string name)
    {
        Name = name;
        Incarnation = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        Id = Name + "~" + Incarnation;
    }

    /// <summary>The configured node name (<c>Comet:NodeName</c>), what operators see.</summary>
    public string Name { get; }

    /// <summary>Random per process start.</summary>
    public string Incarnation { get; }

    /// <summary><c>name~incarnation</c>: unique to this process in the cluster's lifetime.</summary>
    public string Id { get; }

    public override string ToString() => Id;
}
