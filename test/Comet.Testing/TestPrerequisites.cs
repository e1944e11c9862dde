namespace Comet.Testing;

/// <summary>
/// Every Debian package the tests and scripts/test.sh need, stated from the tests' side.
/// scripts/install-test-deps.sh keeps the list it installs; Comet.Scripts.Tests checks that its dry run
/// on a machine with nothing installed prints exactly these, so a package one side forgets fails a test.
/// </summary>
public static class TestPrerequisites
{
    public static IReadOnlyList<string> DebianPackages { get; } =
    [
        "redis-server",   // RequiredTool.RedisServer (also the sentinels: redis-server --sentinel)
        "redis-tools",    // RequiredTool.RedisCli: RedisClusterSet creates the Cluster with redis-cli
        "mariadb-client", // RequiredTool.Mysql
        "php-cli",        // RequiredTool.Php
        "php-mysql",      // RequiredTool.Php: the mysqli and pdo_mysql modules
        "nodejs",         // RequiredTool.Node
        "npm",            // npm ci of test/clients/node and test/clients/browser
        "chromium",       // BrowserRunner
        "haproxy",        // LocalCluster, check-deploy.sh
        "openssl",        // LocalCluster, check-deploy.sh
        "python3",        // scripts/cluster.sh, check-deploy.sh
        "python3-yaml",   // check-deploy.sh
        "docker-compose", // check-deploy.sh, ComposeCluster
        "docker.io",      // DockerEngine: dockerd for ComposeCluster and Testcontainers.Redis
        "debootstrap",    // scripts/build-images.sh
        "procps",         // GatewayProcess: kill -TERM
        "util-linux",     // RequiredTool.Prlimit
    ];
}
