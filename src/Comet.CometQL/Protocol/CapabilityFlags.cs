namespace Comet.CometQL.Protocol;

/// <summary>Capability flags of the MySQL client/server protocol (the server's and the client's).</summary>
[Flags]
internal enum CapabilityFlags : uint
{
    None = 0,
    LongPassword = 0x1,
    FoundRows = 0x2,
    LongFlag = 0x4,
    ConnectWithDb = 0x8,
    NoSchema = 0x10,
    Compress = 0x20,
    Odbc = 0x40,
    LocalFiles = 0x80,
    IgnoreSpace = 0x100,
    Protocol41 = 0x200,
    Interactive = 0x400,
    Ssl = 0x800,
    IgnoreSigpipe = 0x1000,
    Transactions = 0x2000,
    Reserved = 0x4000,
    SecureConnection = 0x8000,
    MultiStatements = 0x10000,
    MultiResults = 0x20000,
    PreparedStatementMultiResults = 0x40000,
    PluginAuth = 0x80000,
    ConnectAttributes = 0x100000,
    PluginAuthLengthEncodedClientData = 0x200000,
    CanHandleExpiredPasswords = 0x400000,
    SessionTrack = 0x800000,
    DeprecateEof = 0x1000000,
}
