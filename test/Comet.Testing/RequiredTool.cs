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
    public static string Php => Find("php", "apt-get install -y php-cli php-mysql");
    public static string Node => Find("node", "apt-get install -y nodejs npm");
    public static string RedisServer => Find("redis-server", "apt-get install -y redis-server");
    public static string Prlimit => Find("prlimit", "apt-get install -y util-linux");

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
