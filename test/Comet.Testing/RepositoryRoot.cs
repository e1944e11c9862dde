namespace Comet.Testing;

/// <summary>The repository's top folder (the one holding Comet.Gateway.sln).</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Comet.Gateway.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Comet.Gateway.sln was not found above " + AppContext.BaseDirectory);
    });

    public static string Path => Root.Value;
}
