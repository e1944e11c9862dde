namespace Comet.CometQL;

/// <summary>
/// The SQLSTATEs CometQL answers with: MySQL's value for the matching MySQL error, so that drivers
/// classify errors as MySQL's would (Connector/J: 42xxx is a SQLSyntaxErrorException and never
/// retried, 08xxx a connection error); HY000 where MySQL has no closer one. The error numbers stay CometQL's.
/// </summary>
public static class SqlStates
{
    /// <summary>General error (MySQL's default).</summary>
    public const string General = "HY000";

    /// <summary>Syntax error or access rule violation (ER_PARSE_ERROR, ER_BAD_DB_ERROR, ER_NOT_SUPPORTED_YET, ER_EMPTY_QUERY, ER_TABLEACCESS_DENIED_ERROR).</summary>
    public const string SyntaxErrorOrAccessRule = "42000";

    /// <summary>Base table not found (ER_NO_SUCH_TABLE).</summary>
    public const string NoSuchTable = "42S02";

    /// <summary>Column not found (ER_BAD_FIELD_ERROR).</summary>
    public const string NoSuchColumn = "42S22";

    /// <summary>Insert value list does not match the column list (ER_WRONG_VALUE_COUNT_ON_ROW).</summary>
    public const string ColumnCountMismatch = "21S01";

    /// <summary>String data, right truncation (ER_DATA_TOO_LONG).</summary>
    public const string DataTooLong = "22001";

    /// <summary>Invalid authorization specification (ER_ACCESS_DENIED_ERROR).</summary>
    public const string AccessDenied = "28000";

    /// <summary>The server rejected the connection (ER_CON_COUNT_ERROR).</summary>
    public const string ConnectionRejected = "08004";

    /// <summary>Communication link failure (ER_SERVER_SHUTDOWN, ER_NET_PACKET_TOO_LARGE).</summary>
    public const string ConnectionFailure = "08S01";
}
