using System.Net.Sockets;
using System.Reflection;

namespace Comet.Gateway;

/// <summary>
/// Runs socket completions inline on .NET's socket engine threads (Linux epoll, one per core) instead
/// of queueing each one to the thread pool: a CometQL round trip and a WebSocket frame each skip a
/// thread-pool hop (docs/benchmarks.md, "Pass 5"). The runtime reads
/// <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c> once, when the first socket is created, so
/// <see cref="Apply"/> must run first in <c>Main</c>. An operator's own value wins
/// (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0</c> turns it off). The price: code that
/// blocks on a completion path stalls every socket of that engine thread, so nothing on the
/// gateway's socket paths may block (see docs/operations.md, "Socket completions").
/// </summary>
internal static partial class SocketEngineDefaults
{
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Turns inline completions on unless the variable is already set.</summary>
    public static void Apply()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        }
    }

    /// <summary>
    /// Whether the runtime's socket engine really runs completions inline, read from the engine itself
    /// (its internal <c>InlineSocketCompletionsEnabled</c>, Unix only); null where this runtime does not say.
    /// </summary>
    public static bool? InlineCompletionsInEffect()
    {
        var engine = typeof(Socket).Assembly.GetType("System.Net.Sockets.SocketAsyncEngine");
        var field = engine?.GetField("InlineSocketCompletionsEnabled", BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public);
        return field?.GetValue(null) as bool?;
    }

    /// <summary>Logs which mode is on, so an operator (and a test) can see the setting took effect.</summary>
    public static void LogMode(ILogger logger)
    {
        var variable = Environment.GetEnvironmentVariable(InlineCompletionsVariable) ?? "";
        var mode = InlineCompletionsInEffect() switch
        {
            true => "inline",
            false => "thread-pool",
            null => "unknown",
        };
        LogSocketCompletions(logger, mode, variable);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Socket completions: {Mode} (" + InlineCompletionsVariable + "={Variable})")]
    private static partial void LogSocketCompletions(ILogger logger, string mode, string variable);
}
