using System.Reflection;

namespace Comet.Testing;

/// <summary>
/// The repository's top folder (the one holding Comet.Gateway.sln), recorded when Comet.Testing is built,
/// so that it is right also when the build output lives outside the tree (<c>--artifacts-path</c>).
/// </summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var recorded = typeof(RepositoryRoot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (recorded is not null && File.Exists(System.IO.Path.Combine(recorded, "Comet.Gateway.sln")))
        {
            return recorded;
        }
        throw new InvalidOperationException(
            $"Comet.Gateway.sln was not found in the recorded repository root '{recorded}'; rebuild the tests.");
    });

    public static string Path => Root.Value;
}
