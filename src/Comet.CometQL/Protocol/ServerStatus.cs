namespace Comet.CometQL.Protocol;

/// <summary>Status flags sent in OK and EOF packets.</summary>
[Flags]
internal enum ServerStatus : ushort
{
    None = 0,
    InTransaction = 0x1,
    AutoCommit = 0x2,
    MoreResultsExist = 0x8,
}
