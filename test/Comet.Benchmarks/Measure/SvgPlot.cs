using System.Globalization;
using System.Text;

namespace Comet.Benchmarks.Measure;

/// <summary>
/// A small dependency-free SVG line chart: side-by-side panels, each with a logarithmic or linear x
/// axis, a linear y axis from zero, and a few named series. Enough to show how a cost grows.
/// </summary>
internal static class SvgPlot
{
    private const int PanelWidth = 420;
    private const int PanelHeight = 300;
    private const int Left = 60;
    private const int Right = 20;
    private const int Top = 40;
    private const int Bottom = 50;
    private static readonly string[] Colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"];

    internal sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points);

    internal sealed record Panel(string Title, string XLabel, string YLabel, bool LogX, IReadOnlyList<Series> Series);

    public static string Render(string caption, IReadOnlyList<Panel> panels)
    {
        var width = panels.Count * PanelWidth;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{PanelHeight + 30}\" font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{PanelHeight + 30}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"8\" y=\"{PanelHeight + 22}\" fill=\"#555\">{Escape(caption)}</text>\n");
        for (var i = 0; i < panels.Count; i++)
        {
            DrawPanel(svg, panels[i], i * PanelWidth);
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void DrawPanel(StringBuilder svg, Panel panel, int offset)
    {
        var points = panel.Series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        var plotWidth = PanelWidth - Left - Right;
        var plotHeight = PanelHeight - Top - Bottom;
        var x0 = offset + Left;
        var y0 = Top + plotHeight;
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{offset + (PanelWidth / 2)}\" y=\"20\" text-anchor=\"middle\" font-size=\"13\">{Escape(panel.Title)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0}\" y1=\"{y0}\" x2=\"{x0 + plotWidth}\" y2=\"{y0}\" stroke=\"black\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0}\" y1=\"{Top}\" x2=\"{x0}\" y2=\"{y0}\" stroke=\"black\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 + (plotWidth / 2)}\" y=\"{y0 + 35}\" text-anchor=\"middle\">{Escape(panel.XLabel)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{offset + 14}\" y=\"{Top + (plotHeight / 2)}\" text-anchor=\"middle\" transform=\"rotate(-90 {offset + 14} {Top + (plotHeight / 2)})\">{Escape(panel.YLabel)}</text>\n");
        if (points.Count == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 + 20}\" y=\"{Top + 20}\">no data</text>\n");
            return;
        }
        Func<double, double> fx = panel.LogX ? Math.Log10 : v => v;
        var xs = points.Select(p => p.X).Distinct().Order().ToList();
        var xMin = fx(xs[0]);
        var xMax = fx(xs[^1]);
        if (xMax - xMin < 1e-9)
        {
            xMin -= 1;
            xMax += 1;
        }
        var yMax = NiceCeiling(points.Max(p => p.Y));
        double X(double v) => x0 + 10 + ((fx(v) - xMin) / (xMax - xMin) * (plotWidth - 20));
        double Y(double v) => y0 - (v / yMax * plotHeight);
        foreach (var x in xs)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(x):0.#}\" y=\"{y0 + 15}\" text-anchor=\"middle\">{x.ToString("N0", CultureInfo.InvariantCulture)}</text>\n");
        }
        for (var k = 0; k <= 4; k++)
        {
            var v = yMax * k / 4;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0}\" y1=\"{Y(v):0.#}\" x2=\"{x0 + plotWidth}\" y2=\"{Y(v):0.#}\" stroke=\"#eee\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 - 5}\" y=\"{Y(v) + 4:0.#}\" text-anchor=\"end\">{v.ToString("0.##", CultureInfo.InvariantCulture)}</text>\n");
        }
        for (var s = 0; s < panel.Series.Count; s++)
        {
            var series = panel.Series[s];
            var colour = Colours[s % Colours.Length];
            var valid = series.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).OrderBy(p => p.X).ToList();
            if (valid.Count > 1)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{string.Join(' ', valid.Select(p => string.Create(CultureInfo.InvariantCulture, $"{X(p.X):0.#},{Y(p.Y):0.#}")))}\"/>\n");
            }
            foreach (var p in valid)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(p.X):0.#}\" cy=\"{Y(p.Y):0.#}\" r=\"3\" fill=\"{colour}\"><title>{Escape(series.Name)}: {p.Y:0.##}</title></circle>\n");
            }
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x0 + 10}\" y=\"{Top + 4 + (s * 15)}\" width=\"10\" height=\"10\" fill=\"{colour}\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 + 25}\" y=\"{Top + 13 + (s * 15)}\">{Escape(series.Name)}</text>\n");
        }
    }

    /// <summary>1, 2, 2.5 or 5 times a power of ten, at least the value (and above zero).</summary>
    private static double NiceCeiling(double value)
    {
        if (!(value > 0))
        {
            return 1;
        }
        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * power >= value)
            {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
