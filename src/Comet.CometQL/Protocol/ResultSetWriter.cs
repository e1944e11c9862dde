using System.IO.Pipelines;
using Comet.CometQL.Execution;
using Comet.CometQL.Serialization;

namespace Comet.CometQL.Protocol;

/// <summary>Writes a statement's answer: OK, or column count, definitions, EOF, rows (text or binary), EOF.</summary>
internal static class ResultSetWriter
{
    /// <summary>Rows written between flushes, so a large answer never sits whole in the output buffer.</summary>
    private const int RowsPerFlush = 256;

    public static async ValueTask WriteAsync(PacketWriter packets, PipeWriter output, StatementResult result, string database, bool binary, ServerStatus status)
    {
        if (result is OkResult ok)
        {
            OkPacket.Write(packets, ok.AffectedRows, ok.LastInsertId, status);
            return;
        }
        var set = (ResultSet)result;
        ColumnCountPacket.Write(packets, set.Columns.Count);
        foreach (var column in set.Columns)
        {
            ColumnDefinitionPacket.Write(packets, database, set.Table, column);
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
                BinaryRowPacket.Write(packets, row);
            }
            else
            {
                TextRowPacket.Write(packets, row);
            }
        }
        EofPacket.Write(packets, status);
    }
}
