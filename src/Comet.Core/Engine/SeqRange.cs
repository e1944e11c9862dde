namespace Comet.Core.Engine;

/// <summary>A range of a user's personal-message seqs, both ends included.</summary>
public readonly record struct SeqRange(long From, long To);
