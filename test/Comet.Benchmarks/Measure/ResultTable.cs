using System.Globalization;
using System.Text;

namespace Comet.Benchmarks.Measure;

/// <summary>
/// The rows one scenario produced: printed as an aligned table and, with <c>--markdown file</c>,
/// appended to that file with the command that produced them and the machine they ran on.
/// </summary>
internal sealed class ResultTable(string title, params string[] columns)
{
    private readonly List<string[]> _rows = [];
    private readonly List<object[]> _values = [];
    private readonly List<string> _notes = [];
    private readonly List<string> _loads = [];

    public void Add(params object[] cells)
    {
        if (cells.Length != columns.Length)
        {
            throw new ArgumentException($"A row needs {columns.Length} cells, got {cells.Length}.", nameof(cells));
        }
        _rows.Add([.. cells.Select(Format)]);
        _values.Add(cells);
        // Other work on the machine is the main noise; keep what it was when each row finished.
        _loads.Add(File.ReadAllText("/proc/loadavg").Split(' ')[0]);
    }

    public string Title => title;

    private string[] Columns => columns;

    public int RowCount => _rows.Count;

    /// <summary>A numeric cell of a row as it was added (NaN when the column is not a number).</summary>
    public double Number(int row, string column)
    {
        var index = Array.IndexOf(columns, column);
        return index < 0 ? double.NaN : _values[row][index] switch
        {
            double d => d,
            int i => i,
            long l => l,
            _ => double.NaN,
        };
    }

    /// <summary>A cell of a row as text.</summary>
    public string Text(int row, string column) => _rows[row][Array.IndexOf(columns, column)];

    /// <summary>
    /// One row per distinct value of the key columns, each numeric column the median of the repeats
    /// (noise on shared machines is one-sided, so the median says more than the mean). Notes are kept.
    /// </summary>
    public ResultTable Medians(string titleSuffix, params string[] keyColumns)
    {
        var keys = keyColumns.Select(k => Array.IndexOf(columns, k)).ToArray();
        if (keys.Any(k => k < 0))
        {
            throw new ArgumentException($"Unknown key column among {string.Join(", ", keyColumns)}.", nameof(keyColumns));
        }
        var result = new ResultTable(title + titleSuffix, [.. columns, "runs"]);
        var groups = _values.Select((cells, i) => (cells, i))
            .GroupBy(r => string.Join("\u0001", keys.Select(k => _rows[r.i][k])), StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var members = group.ToList();
            var merged = new object[columns.Length + 1];
            for (var c = 0; c < columns.Length; c++)
            {
                var numbers = members.Select(m => m.cells[c]).Where(v => v is double or int or long)
                    .Select(Convert.ToDouble).Where(v => !double.IsNaN(v)).Order().ToList();
                merged[c] = keys.Contains(c) || numbers.Count == 0 ? members[0].cells[c] : Median(numbers);
            }
            merged[^1] = members.Count;
            result._rows.Add([.. merged.Select(Format)]);
            result._values.Add(merged);
            result._loads.Add(string.Join("/", members.Select(m => _loads[m.i])));
        }
        result._notes.AddRange(_notes);
        return result;
    }

    /// <summary>Adds another table's rows (same columns) under this one, e.g. one fanout per subscriber count.</summary>
    public void AddRowsOf(ResultTable other)
    {
        if (!other.Columns.SequenceEqual(columns))
        {
            throw new ArgumentException("Only tables with the same columns can be joined.", nameof(other));
        }
        _rows.AddRange(other._rows);
        _values.AddRange(other._values);
        _loads.AddRange(other._loads);
        _notes.AddRange(other._notes.Where(n => !_notes.Contains(n)));
    }

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

    /// <summary>Server CPU per operation in µs from CPU in % of one core and operations per second.</summary>
    public static double MicrosPerOperation(double cpuPercent, double perSecond) =>
        perSecond > 0 && !double.IsNaN(cpuPercent) ? cpuPercent * 10_000 / perSecond : double.NaN;

    /// <summary>A line printed under the table (failures, warnings, what a number means).</summary>
    public void Note(string note) => _notes.Add(note);

    public void Print(TextWriter output)
    {
        var widths = columns.Select((c, i) => Math.Max(c.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        output.WriteLine();
        output.WriteLine("== " + title);
        output.WriteLine(string.Join("  ", columns.Select((c, i) => c.PadLeft(widths[i]))));
        foreach (var row in _rows)
        {
            output.WriteLine(string.Join("  ", row.Select((c, i) => c.PadLeft(widths[i]))));
        }
        foreach (var note in _notes)
        {
            output.WriteLine("  note: " + note);
        }
    }

    public void AppendMarkdown(string path, string commandLine) => File.AppendAllText(path, ToMarkdown(commandLine));

    public string ToMarkdown(string commandLine)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"\n### {title}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"`{commandLine}` — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {MachineInfo.Describe()}\n\n");
        md.Append("| ").Append(string.Join(" | ", columns)).Append(" |\n");
        md.Append('|').Append(string.Join('|', columns.Select(_ => "---:"))).Append("|\n");
        foreach (var row in _rows)
        {
            md.Append("| ").Append(string.Join(" | ", row)).Append(" |\n");
        }
        foreach (var note in _notes)
        {
            md.Append("\n- ").Append(note);
        }
        if (_loads.Count > 0)
        {
            md.Append("\n- 1-min load average when each row finished: ").Append(string.Join(", ", _loads)).Append('.');
        }
        md.Append('\n');
        return md.ToString();
    }

    private static string Format(object cell) => cell switch
    {
        double d when double.IsNaN(d) => "-",
        double d when Math.Abs(d) >= 100 => d.ToString("N0", CultureInfo.InvariantCulture),
        double d => d.ToString("0.##", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };
}
