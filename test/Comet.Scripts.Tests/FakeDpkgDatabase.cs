using System.Text;

namespace Comet.Scripts.Tests;

/// <summary>
/// A dpkg database in a temporary folder (its <c>status</c> file) that dpkg-query reads with
/// <c>--admindir</c>: a machine with exactly the packages given installed.
/// </summary>
public sealed class FakeDpkgDatabase : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("comet-dpkg-").FullName;

    public FakeDpkgDatabase(params (string Package, string? Provides)[] installed)
    {
        var status = new StringBuilder();
        foreach (var (package, provides) in installed)
        {
            status.Append("Package: ").Append(package).Append('\n')
                .Append("Status: install ok installed\n")
                .Append("Version: 1.0\nArchitecture: all\nMaintainer: tests\nDescription: fake\n");
            if (provides is not null)
            {
                status.Append("Provides: ").Append(provides).Append('\n');
            }
            status.Append('\n');
        }
        File.WriteAllText(Path.Combine(Directory, "status"), status.ToString());
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
