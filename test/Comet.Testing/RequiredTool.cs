namespace Comet.Testing;

/// <summary>
/// Finds a program a test needs on PATH, or fails the test with the command that installs it.
/// A missing prerequisite is a failure, never a silent skip.
/// </summary>
public static class RequiredTool
{
    public static string Find(string name, string installHint)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException(
            $"This test needs '{name}', which is not on PATH. Install it with: {installHint} (scripts/test.sh does this).");
    }

    public static string Mysql => Find("mysql", "apt-get install -y mariadb-client");
    public static string Php => PhpWithMysql.Value;
    public static string Node => Find("node", "apt-get install -y nodejs npm");
    public static string RedisServer => Find("redis-server", "apt-get install -y redis-server");
    public static string RedisCli => Find("redis-cli", "apt-get install -y redis-tools");
    public static string Prlimit => Find("prlimit", "apt-get install -y util-linux");
    public static string Chromium => File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : Find("chromium", "apt-get install -y chromium");

    // php-cli without php-mysql runs, then fails in the test with "Call to undefined function mysqli_connect()".
    private static readonly Lazy<string> PhpWithMysql = new(() =>
    {
        var php = Find("php", "apt-get install -y php-cli php-mysql");
        var modules = ProcessRunner.RunAsync(php, ["-m"]).GetAwaiter().GetResult().StandardOutput
            .Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var missing = new[] { "mysqli", "pdo_mysql" }.Where(m => !modules.Contains(m, StringComparer.OrdinalIgnoreCase)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"This test needs PHP's {string.Join(" and ", missing)}, which {php} lacks. Install it with: apt-get install -y php-mysql (scripts/test.sh does this).");
        }
        return php;
    });

    /// <summary>The folder with the node test clients (test/clients/node) and their node_modules.</summary>
    public static string NodeClientsDirectory
    {
        get
        {
            var dir = Path.Combine(RepositoryRoot.Path, "test", "clients", "node");
            if (!Directory.Exists(Path.Combine(dir, "node_modules")))
            {
                throw new InvalidOperationException(
                    $"The node test clients are not installed. Run: npm ci --prefix {dir} (scripts/test.sh does this).");
            }
            return dir;
        }
    }
}
