using System.Globalization;
using Comet.Soak;

// Usage: Comet.Soak [minutes] [connections] [redis|memory]   (scripts/soak.sh runs it)
var options = new SoakOptions
{
    Duration = TimeSpan.FromMinutes(args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 30),
    Connections = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000,
    Engine = args.Length > 2 ? args[2] : "redis",
};
if (options.Engine is not ("redis" or "memory") || options.Connections < 1 || options.Duration <= TimeSpan.Zero)
{
    Console.Error.WriteLine("usage: Comet.Soak [minutes] [connections] [redis|memory]");
    return 2;
}
var report = await SoakRun.RunAsync(options, Console.Out);
Console.WriteLine(report);
return report.Failures().Count == 0 ? 0 : 1;
