using System.IO.Pipelines;
using Comet.CometQL.Execution;
using Comet.CometQL.Serialization;

namespace Comet.CometQL.Protocol;

/// <summary>Writes a statement's answer: OK, or column count, definitions, EOF, rows (text or binary), EOF.</summary>
internal static class ResultSetWriter
{
    /// <summary>Rows written between flushes, so a large answer never sits whole in the output buffer.</summary>
    private const int RowsPerFlush = 256;

    /// <param name="typedIntegers">Comet:CometQL:TypedIntegerColumns: integer columns as BIGINT, else every column VAR_STRING.</param>
    public static async ValueTask WriteAsync(PacketWriter packets, PipeWriter output, StatementResult result, string database, bool binary,
        ServerStatus status, bool typedIntegers)
    {
        if (result is OkResult ok)
        {
            OkPacket.Write(packets, ok.AffectedRows, ok.LastInsertId, status);
            return;
        }
        var set = (ResultSet)result;
        ColumnCountPacket.Write(packets, set.Columns.Count);
        for (var c = 0; c < set.Columns.Count; c++)
        {
            ColumnDefinitionPacket.Write(packets, database, set.Table, set.Columns[c], typedIntegers ? set.KindOf(c) : ColumnKind.Text);
        }
        EofPacket.Write(packets, status & ~ServerStatus.MoreResultsExist);
        for (var i = 0; i < set.Rows.Count; i++)
        {
            var row = set.Rows[i];
            if (i > 0 && i % RowsPerFlush == 0)
            {
                await output.FlushAsync();
            }
            if (binary)
            {
                BinaryRowPacket.Write(packets, row, set, typedIntegers);
            }
            else
            {
                TextRowPacket.Write(packets, row);
            }
        }
        EofPacket.Write(packets, status);
    }
}
