namespace Comet.Testing;

/// <summary>
/// The Docker engine the container tests use: the <c>docker</c> and <c>docker-compose</c> clients on
/// PATH and an engine answering them. A test that needs it fails with what to do when it is missing.
/// </summary>
public static class DockerEngine
{
    /// <summary>The engine's API version, or null when no engine answers (a two-second look).</summary>
    public static string? ServerApiVersion()
    {
        if (!IsOnPath("docker"))
        {
            return null;
        }
        try
        {
            var result = ProcessRunner.RunAsync("docker", ["version", "--format", "{{.Server.APIVersion}}"], timeout: TimeSpan.FromSeconds(5))
                .GetAwaiter().GetResult();
            var version = result.StandardOutput.Trim();
            return result.ExitCode == 0 && version.Length > 0 ? version : null;
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>Fails the test unless an engine answers and docker-compose is installed.</summary>
    public static void Require()
    {
        _ = RequiredTool.Find("docker", "apt-get install -y docker.io");
        _ = RequiredTool.Find("docker-compose", "apt-get install -y docker-compose");
        if (ServerApiVersion() is null)
        {
            throw new InvalidOperationException(
                "This test needs a running Docker engine and none answers: start one with `dockerd &` (apt-get install -y docker.io); scripts/test.sh starts one.");
        }
    }

    /// <summary>Fails the test unless every image exists locally (nothing can be pulled on these machines).</summary>
    public static async Task RequireImagesAsync(params string[] images)
    {
        foreach (var image in images)
        {
            var result = await ProcessRunner.RunAsync("docker", ["image", "inspect", "--format", "{{.Id}}", image], timeout: TimeSpan.FromSeconds(30));
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"The image {image} is missing: build the images with scripts/build-images.sh (scripts/test.sh does this).");
            }
        }
    }

    /// <summary>Runs <c>docker ARGS</c> and fails with its output when it fails.</summary>
    public static async Task<string> RunAsync(params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("docker", arguments, timeout: TimeSpan.FromMinutes(3));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"docker {string.Join(' ', arguments)} failed: {result}");
        }
        return result.StandardOutput;
    }

    private static bool IsOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, name)));
}
