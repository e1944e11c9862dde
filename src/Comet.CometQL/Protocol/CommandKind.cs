namespace Comet.CometQL.Protocol;

/// <summary>The first byte of a command packet.</summary>
internal enum CommandKind : byte
{
    Quit = 0x01,
    InitDatabase = 0x02,
    Query = 0x03,
    FieldList = 0x04,
    Statistics = 0x09,
    Ping = 0x0E,
    ChangeUser = 0x11,
    StatementPrepare = 0x16,
    StatementExecute = 0x17,
    StatementSendLongData = 0x18,
    StatementClose = 0x19,
    StatementReset = 0x1A,
    SetOption = 0x1B,
    ResetConnection = 0x1F,
}
