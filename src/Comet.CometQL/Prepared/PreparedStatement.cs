using Comet.CometQL.Protocol;

namespace Comet.CometQL.Prepared;

/// <summary>A statement prepared on one connection: its text, its <c>?</c> count, and the parameter types last bound.</summary>
internal sealed class PreparedStatement(uint id, string sql, int parameterCount)
{
    public uint Id { get; } = id;
    public string Sql { get; } = sql;
    public int ParameterCount { get; } = parameterCount;

    /// <summary>The types (and unsigned flags) sent with new-params-bound; reused by later executions.</summary>
    public (ColumnType Type, bool Unsigned)[]? ParameterTypes { get; set; }

    /// <summary>Set when the client sent COM_STMT_SEND_LONG_DATA, which we refuse at the next execution.</summary>
    public bool LongDataRefused { get; set; }
}
