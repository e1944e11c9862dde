using Comet.Benchmarks.Measure;

namespace Comet.Benchmarks.Scenarios;

/// <summary>
/// Runs one row of a scenario; if it fails (a transport refusing a client, a gateway that does not
/// start), the table says so in a note and the other rows still run.
/// </summary>
internal static class RowGuard
{
    public static async Task RunAsync(ResultTable table, string label, Func<Task> row)
    {
        try
        {
            await row();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var message = e.Message.Split('\n')[0];
            table.Note($"{label}: not measured, {e.GetType().Name}: {message}");
            Console.Error.WriteLine($"  {label} failed: {e}");
        }
    }
}
