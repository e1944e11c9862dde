using System.Globalization;

namespace Comet.Benchmarks.Clients;

/// <summary>The CppComet WebSocket URL (positional query in the path, spec §2.1) for one benchmark client.</summary>
internal static class CometUrls
{
    private static readonly string RunTag = Guid.NewGuid().ToString("N")[..8];

    /// <summary>An anonymous connection (uid 0).</summary>
    public static string Anonymous(int index) => Path("", 0, index);

    /// <summary>A connection of user <paramref name="userId"/> authorised by the users_auth hash.</summary>
    public static string User(int userId, string hash, int index) => Path(hash, userId, index);

    /// <summary>The hash the benchmark stores for a user in users_auth.</summary>
    public static string HashFor(int userId) => "h" + userId.ToString(CultureInfo.InvariantCulture);

    private static string Path(string session, int userId, int index) =>
        string.Create(CultureInfo.InvariantCulture,
            $"/ws/sesion={session}&myid={userId}&devid=0&v=4.08&uuid={RunTag}{index:D24}&api=js");
}
