using System.Net;

namespace Comet.Benchmarks.Clients;

/// <summary>
/// Client source addresses 127.0.0.2, 127.0.0.3, …: each has its own ~28k ephemeral ports, so many
/// connections and churn (TIME_WAIT) do not run out of ports on one address.
/// </summary>
internal sealed class LoopbackSources(int count)
{
    private readonly IPAddress[] _addresses =
        [.. Enumerable.Range(0, Math.Max(1, count)).Select(i => new IPAddress([127, 0, 0, (byte)(2 + i)]))];

    public IPAddress For(int index) => _addresses[index % _addresses.Length];
}
