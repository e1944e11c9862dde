using Comet.Testing;

namespace Comet.Scripts.Tests;

/// <summary>
/// scripts/install-test-deps.sh decides per Debian package. Its dry run is run against dpkg databases
/// of machines in known states, so a return to deciding per command (php present, php-mysql missing)
/// or a package the tests need but the script forgets fails here.
/// </summary>
public sealed class InstallTestDepsTests
{
    private static readonly string Script = Path.Combine(RepositoryRoot.Path, "scripts", "install-test-deps.sh");

    [Fact]
    public async Task On_a_machine_with_nothing_installed_it_would_install_every_package_the_tests_need()
    {
        using var nothing = new FakeDpkgDatabase();

        var wouldInstall = await DryRunAsync(nothing.Directory);

        Assert.Equal(TestPrerequisites.DebianPackages.Order(), wouldInstall.Order());
    }

    [Fact]
    public async Task With_php_but_without_php_mysql_it_would_install_php_mysql()
    {
        using var phpOnly = new FakeDpkgDatabase(("php-cli", null), ("php8.2-cli", "php-cli"));

        var wouldInstall = await DryRunAsync(phpOnly.Directory);

        Assert.Contains("php-mysql", wouldInstall);
        Assert.DoesNotContain("php-cli", wouldInstall);
    }

    [Fact]
    public async Task A_package_another_one_provides_counts_as_installed()
    {
        // NodeSource's nodejs ships npm and conflicts with Debian's npm package.
        using var nodeSource = new FakeDpkgDatabase(("nodejs", "nodejs-dev, nodejs-doc, npm (= 10.8.2)"));

        var wouldInstall = await DryRunAsync(nodeSource.Directory);

        Assert.DoesNotContain("nodejs", wouldInstall);
        Assert.DoesNotContain("npm", wouldInstall);
        Assert.Contains("chromium", wouldInstall);
    }

    [Fact]
    public async Task On_this_machine_nothing_is_missing()
    {
        var missing = await DryRunAsync(dpkgDatabase: null);

        Assert.True(missing.Count == 0,
            $"These Debian packages are missing: {string.Join(' ', missing)}. Run scripts/install-test-deps.sh as root (scripts/test.sh does).");
    }

    private static async Task<IReadOnlyList<string>> DryRunAsync(string? dpkgDatabase)
    {
        var environment = dpkgDatabase is null
            ? null
            : new Dictionary<string, string> { ["COMET_DPKG_ADMINDIR"] = dpkgDatabase };
        var result = await ProcessRunner.RunAsync(Script, ["--dry-run"], environment: environment);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StandardOutput.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
