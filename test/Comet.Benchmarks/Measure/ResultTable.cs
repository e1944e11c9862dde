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
    private readonly List<string> _notes = [];
    private readonly List<string> _loads = [];

    public void Add(params object[] cells)
    {
        if (cells.Length != columns.Length)
        {
            throw new ArgumentException($"A row needs {columns.Length} cells, got {cells.Length}.", nameof(cells));
        }
        _rows.Add([.. cells.Select(Format)]);
        // Other work on the machine is the main noise; keep what it was when each row finished.
        _loads.Add(File.ReadAllText("/proc/loadavg").Split(' ')[0]);
    }

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

    public void AppendMarkdown(string path, string commandLine)
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
        File.AppendAllText(path, md.ToString());
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
