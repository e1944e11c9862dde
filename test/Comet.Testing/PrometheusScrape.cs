using System.Globalization;

namespace Comet.Testing;

/// <summary>
/// One scrape of a Prometheus text exposition (<c>/metrics</c>): the series names and the label names
/// each carries, as a scraper would read them.
/// </summary>
public sealed class PrometheusScrape
{
    private readonly Dictionary<string, HashSet<string>> _labels = new(StringComparer.Ordinal);

    private PrometheusScrape(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }
            var end = line.IndexOfAny(['{', ' ']);
            var name = end < 0 ? line : line[..end];
            if (!_labels.TryGetValue(name, out var labels))
            {
                _labels[name] = labels = new HashSet<string>(StringComparer.Ordinal);
            }
            if (end >= 0 && line[end] == '{')
            {
                foreach (var pair in line[(end + 1)..line.IndexOf('}', StringComparison.Ordinal)].Split(','))
                {
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    if (equals > 0)
                    {
                        labels.Add(pair[..equals].Trim());
                    }
                }
            }
        }
    }

    /// <summary>The exposition as served.</summary>
    public string Text { get; }

    /// <summary>Every series name that has at least one sample.</summary>
    public IReadOnlyCollection<string> Names => _labels.Keys;

    public bool Has(string name) => _labels.ContainsKey(name);

    /// <summary>The label names the series of <paramref name="name"/> carry (empty when it has none or is absent).</summary>
    public IReadOnlySet<string> LabelsOf(string name) => _labels.TryGetValue(name, out var labels) ? labels : new HashSet<string>();

    /// <summary>The value of the first sample of <paramref name="name"/> (without labels), or null.</summary>
    public double? Value(string name)
    {
        foreach (var line in Text.Split('\n'))
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal) || line.StartsWith(name + "{", StringComparison.Ordinal))
            {
                var value = line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
                return double.Parse(value, CultureInfo.InvariantCulture);
            }
        }
        return null;
    }

    public static async Task<PrometheusScrape> GetAsync(Uri metrics)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync(metrics);
        response.EnsureSuccessStatusCode();
        return new PrometheusScrape(await response.Content.ReadAsStringAsync());
    }
}
