using Comet.Testing;

namespace Comet.Containers.Tests;

/// <summary>
/// A backend host on the compose network: a container of the tools image (mysql client, bash) with its
/// own address, as a web backend behind the same load balancer as others would be.
/// </summary>
public sealed class BackendContainer : IAsyncDisposable
{
    private BackendContainer(string name, string address)
    {
        Name = name;
        Address = address;
    }

    public string Name { get; }
    public string Address { get; }

    private int _scripts;

    public static async Task<BackendContainer> StartAsync(ComposeCluster cluster, string suffix)
    {
        var name = $"{cluster.Project}-{suffix}";
        await DockerEngine.RunAsync("run", "-d", "--rm", "--name", name, "--network", cluster.Network, cluster.ToolsImage, "sleep", "600");
        var address = (await DockerEngine.RunAsync("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", name)).Trim();
        return new BackendContainer(name, address);
    }

    /// <summary>Runs a bash script in the container; returns what it printed (stdout and stderr).</summary>
    /// <remarks>
    /// <c>docker exec</c> now and then loses the output of a command that ends quickly (moby/moby#27289;
    /// seen here as an empty answer where the gateway had logged its reply). So the script runs once,
    /// into a file, and the file is read until the read's own end marker shows it arrived whole.
    /// </remarks>
    public async Task<string> BashAsync(string script)
    {
        const string EndMarker = "--end-of-output--";
        var file = $"/tmp/bash-{Interlocked.Increment(ref _scripts)}.out";
        await ProcessRunner.RunAsync("docker", ["exec", Name, "bash", "-c", $"({script}) > {file} 2>&1"], timeout: TimeSpan.FromMinutes(2));
        for (var attempt = 1; ; attempt++)
        {
            var read = await ProcessRunner.RunAsync("docker", ["exec", Name, "bash", "-c", $"cat {file}; echo {EndMarker}"], timeout: TimeSpan.FromMinutes(1));
            if (read.StandardOutput.EndsWith(EndMarker + "\n", StringComparison.Ordinal))
            {
                return read.StandardOutput[..^(EndMarker.Length + 1)];
            }
            if (attempt == 5)
            {
                throw new InvalidOperationException($"docker exec lost the output of reading {file} five times: {read}");
            }
        }
    }

    /// <summary>The mysql client against <paramref name="host"/>:3307; prints the result or the error.</summary>
    public Task<string> MysqlAsync(string host, string password, string sql) =>
        BashAsync($"mysql -h {host} -P 3307 -uroot -p'{password}' --skip-ssl -N -e \"{sql}\" 2>&1");

    public async ValueTask DisposeAsync() =>
        await ProcessRunner.RunAsync("docker", ["rm", "-f", Name], timeout: TimeSpan.FromMinutes(1));
}
