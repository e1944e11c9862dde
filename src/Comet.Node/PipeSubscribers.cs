namespace Comet.Node;

/// <summary>A pipe of one dev_id and how many of this node's clients are subscribed to it.</summary>
public sealed record PipeSubscribers(int DevId, string Pipe, int Subscribers);
