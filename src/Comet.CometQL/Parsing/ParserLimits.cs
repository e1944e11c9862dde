namespace Comet.CometQL.Parsing;

/// <summary>Bounds on what one statement may hold (CppComet's MAX_* constants).</summary>
internal static class ParserLimits
{
    /// <summary>Columns in a SELECT or INSERT list (MAX_COLUMNS_COUNT).</summary>
    public const int MaxColumns = 20;

    /// <summary>Conditions in a WHERE (MAX_EXPRESSIONS_COUNT).</summary>
    public const int MaxConditions = 10;

    /// <summary>Values in one IN list (MAX_EXPRESSIONS_VALUES).</summary>
    public const int MaxValues = 4000;

    /// <summary>Rows of one multi-row INSERT.</summary>
    public const int MaxInsertRows = 1000;

    /// <summary>Statements in one COM_QUERY with CLIENT_MULTI_STATEMENTS.</summary>
    public const int MaxStatements = 100;
}
