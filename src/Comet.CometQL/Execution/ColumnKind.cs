namespace Comet.CometQL.Execution;

/// <summary>What a result column holds: text, or a 64-bit integer (ids, unix times, counts, lengths).</summary>
internal enum ColumnKind
{
    Text,
    Integer,
}
