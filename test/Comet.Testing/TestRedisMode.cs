namespace Comet.Testing;

/// <summary>
/// How the tests get their Redis: in a container (Testcontainers.Redis, the convention .NET developers
/// expect) or as local redis-server processes. <c>COMET_TEST_REDIS</c> = <c>container</c> or
/// <c>process</c> chooses; unset, a container when a Docker engine answers and a process otherwise.
/// The choice is reported once on standard error; scripts/test.sh sets it for each run and says which.
/// </summary>
public static class TestRedisMode
{
    private static readonly Lazy<bool> s_containers = new(Decide);

    /// <summary>True: <see cref="RedisServer.StartAsync"/> starts containers.</summary>
    public static bool UsesContainers => s_containers.Value;

    /// <summary>The image of the Redis containers: <c>COMET_TEST_REDIS_IMAGE</c>, or the official redis:7.</summary>
    public static string Image => Environment.GetEnvironmentVariable("COMET_TEST_REDIS_IMAGE") is { Length: > 0 } image ? image : "redis:7";

    private static bool Decide()
    {
        var setting = Environment.GetEnvironmentVariable("COMET_TEST_REDIS")?.Trim().ToLowerInvariant();
        bool containers;
        string why;
        switch (setting)
        {
            case "container":
                containers = true;
                why = "COMET_TEST_REDIS=container";
                break;
            case "process":
                containers = false;
                why = "COMET_TEST_REDIS=process";
                break;
            case null or "":
                var api = DockerEngine.ServerApiVersion();
                containers = api is not null;
                why = containers ? $"COMET_TEST_REDIS unset and a Docker engine answers (API {api})" : "COMET_TEST_REDIS unset and no Docker engine answers";
                break;
            default:
                throw new InvalidOperationException($"COMET_TEST_REDIS is '{setting}': use container or process.");
        }
        if (containers)
        {
            DockerEngine.Require();
        }
        Console.Error.WriteLine(containers
            ? $"Tests' Redis: Testcontainers.Redis containers of {Image} ({why})."
            : $"Tests' Redis: local redis-server processes ({why}).");
        return containers;
    }
}
