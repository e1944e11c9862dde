namespace Comet.Node;

/// <summary>What a client's new subscription list changed on this node.</summary>
public sealed record SubscriptionChange(IReadOnlyList<string> Added, IReadOnlyList<string> Removed)
{
    public static readonly SubscriptionChange None = new([], []);
}
