namespace Comet.CometQL;

/// <summary>
/// Every error CometQL answers with: the code (sent as the MySQL errno) and the text of CppComet
/// (spec §1.1–1.4), in one place. Codes without a text in the original have the closest text here.
/// </summary>
public static class CometQLErrors
{
    public const int Undefined = 1;
    public const int NotImplemented = 2;
    public const int SyntaxErrorCode = 3;
    public const int ReadOnly = 10;
    public const int Overflow = 11;
    public const int InvalidData = 12;
    public const int WhereExpressions = 13;
    public const int ColumnsList = 14;
    public const int NotExist = 15;
    public const int Authentication = 16;
    public const int Empty = 17;
    public const int TooManyConditions = 18;
    public const int TooManyValues = 19;
    public const int TooManyColumns = 20;
    public const int TooManyNames = 21;
    public const int AccessDeniedCode = 403;
    public const int HostBlockedCode = 1129;
    public const int HostNotAllowedCode = 1130;
    public const int TooManyConnectionsFromAddressCode = 1203;
    public const int InternalServer = 500;

    public static readonly CometQLError SyntaxError = new(SyntaxErrorCode, "Syntax error in query", SqlStates.SyntaxErrorOrAccessRule);
    public static readonly CometQLError OrNotImplemented = new(NotImplemented, "Operator OR is not yet implemented", SqlStates.SyntaxErrorOrAccessRule);
    public static readonly CometQLError OrderByNotImplemented = new(NotImplemented, "Token ORDER BY is not yet implemented", SqlStates.SyntaxErrorOrAccessRule);
    public static readonly CometQLError QueryTooShort = new(Empty, "Data is too short", SqlStates.SyntaxErrorOrAccessRule);
    public static readonly CometQLError QueryTooLong = new(Overflow, "Data is too long");
    public static readonly CometQLError AuthenticationFailure = new(Authentication, "Authentication failure", SqlStates.AccessDenied);
    public static readonly CometQLError AuthenticationLength = new(Authentication, "Authentication failure, authDataLen!=20", SqlStates.AccessDenied);
    public static readonly CometQLError InvalidDevId = new(Authentication, "Invalid dev_id value", SqlStates.AccessDenied);
    public static readonly CometQLError SelectDatabaseFailure = new(NotExist, "Select database failure", SqlStates.SyntaxErrorOrAccessRule);
    public static readonly CometQLError AccessDenied = new(AccessDeniedCode, "Access denied", SqlStates.SyntaxErrorOrAccessRule);
    public static readonly CometQLError TableDoesNotExist = new(NotExist, "Table doesn't exist", SqlStates.NoSuchTable);
    public static readonly CometQLError NotASpecificColumn = new(ColumnsList, "Not a specific column", SqlStates.NoSuchColumn);
    public static readonly CometQLError ErrorInColumnsList = new(ColumnsList, "Error in columns list", SqlStates.ColumnCountMismatch);
    public static readonly CometQLError ColumnUsedTwiceInSelect = new(WhereExpressions, "Each column in the select used only once", SqlStates.SyntaxErrorOrAccessRule);
    public static readonly CometQLError ColumnUsedTwiceInInsert = new(WhereExpressions, "Each column in the insert used only once", SqlStates.SyntaxErrorOrAccessRule);
    public static readonly CometQLError NoPrimaryKey = new(WhereExpressions, "Selection without transferring the requested values of the primary key is not supported");
    public static readonly CometQLError TooManyConditionsError = new(TooManyConditions, "Too many conditions");
    public static readonly CometQLError TooManyValuesError = new(TooManyValues, "Too many values");
    public static readonly CometQLError TooManyColumnsError = new(TooManyColumns, "Too many columns");
    public static readonly CometQLError TooManyRowsError = new(TooManyNames, "Too many rows in one insert");

    public static readonly CometQLError ChannelNameTooLong = new(Overflow, "Channel name is too long", SqlStates.DataTooLong);
    public static readonly CometQLError ChannelNameTooShort = new(Empty, "Channel name is too short");
    public static readonly CometQLError ChannelNameInvalid = new(InvalidData, "The channel name can contain only the characters A-Za-z0-9_-");
    public static readonly CometQLError EventNameTooLong = new(Overflow, "Channel event_name is too long", SqlStates.DataTooLong);
    public static readonly CometQLError EventNameInvalid = new(InvalidData, "The event name can contain only the characters A-Za-z0-9_-");
    public static readonly CometQLError HashInvalid = new(InvalidData, "Contains an invalid characters in the string hash");
    public static readonly CometQLError HashTooLong = new(Overflow, "Hash string is too long", SqlStates.DataTooLong);
    public static readonly CometQLError InvalidUserId = new(InvalidData, "Invalid user id value");
    public static readonly CometQLError InvalidNumber = new(InvalidData, "Invalid numeric value");
    public static readonly CometQLError ValueTooLong = new(Overflow, "Data is too long", SqlStates.DataTooLong);
    public static readonly CometQLError TokenRequired = new(WhereExpressions, "Selection without transferring the requested values of the primary key is not supported");
    public static readonly CometQLError ClusterPrefixRefused = new(NotImplemented, "cometqlcluster_v1 is not supported: every node shares one state", SqlStates.SyntaxErrorOrAccessRule);

    public static readonly CometQLError StorageUnavailable = new(InternalServer, "Internal server error: the storage is unavailable, try again later");
    public static readonly CometQLError InternalError = new(InternalServer, "Internal server error");
    public static readonly CometQLError UnknownCommand = new(NotImplemented, "Command is not supported", SqlStates.SyntaxErrorOrAccessRule);
    public static readonly CometQLError LongDataRefused = new(NotImplemented, "COM_STMT_SEND_LONG_DATA is not supported", SqlStates.SyntaxErrorOrAccessRule);
    public static readonly CometQLError UnknownStatement = new(Undefined, "Unknown prepared statement handler");
    public static readonly CometQLError TooManyStatements = new(TooManyNames, "Too many prepared statements on this connection");
    public static readonly CometQLError WrongParameterCount = new(InvalidData, "Incorrect arguments to execute");
    public static readonly CometQLError MalformedPacket = new(InvalidData, "Malformed packet");
    public static readonly CometQLError PacketTooLarge = new(Overflow, "Got a packet bigger than the allowed maximum", SqlStates.ConnectionFailure);
    public static readonly CometQLError TooManyConnections = new(1040, "Too many connections", SqlStates.ConnectionRejected);
    public static readonly CometQLError MultiStatementsOff = new(SyntaxErrorCode, "Syntax error in query: several statements need the CLIENT_MULTI_STATEMENTS option", SqlStates.SyntaxErrorOrAccessRule);

    public static readonly CometQLError ServerShutdown = new(1053, "Server shutdown in progress", SqlStates.ConnectionFailure);
    public static readonly CometQLError SecureTransportRequired = new(3159,
        "Connections using insecure transport are prohibited while Comet:CometQL:RequireTls is on; connect with SSL (e.g. --ssl, SslMode=Required)");
    public static readonly CometQLError SslNotConfigured = new(Authentication,
        "SSL is not configured on this server (no certificate in Comet:Tls, SqlStates.ConnectionRejected); connect without SSL (e.g. --skip-ssl)");

    public static CometQLError TooManyConnectionsFromAddress(System.Net.IPAddress? address) =>
        new(TooManyConnectionsFromAddressCode, $"Too many connections from '{address}' (Comet:CometQL:MaxConnectionsPerAddress)",
            SqlStates.SyntaxErrorOrAccessRule);

    public static CometQLError HostBlocked(System.Net.IPAddress? address) =>
        new(HostBlockedCode, $"Host '{address}' is blocked because of many failed logins; try again later");

    public static CometQLError ReadOnlyTable(string table) => new(ReadOnly, $"Table `{table}` is read only");
}

/// <summary>One CometQL error: the code is the MySQL errno the client sees; the SQLSTATE is MySQL's for the matching error.</summary>
public sealed record CometQLError(int Code, string Message, string SqlState = SqlStates.General);

/// <summary>Raised by the parser and the executor; the connection answers it with an error packet and stays usable.</summary>
public sealed class CometQLException : Exception
{
    public CometQLException(CometQLError error)
        : base(error?.Message)
    {
        Error = error ?? CometQLErrors.InternalError;
    }

    public CometQLException()
        : this(CometQLErrors.InternalError)
    {
    }

    public CometQLException(string message)
        : this(new CometQLError(CometQLErrors.Undefined, message))
    {
    }

    public CometQLException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = new CometQLError(CometQLErrors.Undefined, message);
    }

    public CometQLError Error { get; }
}
