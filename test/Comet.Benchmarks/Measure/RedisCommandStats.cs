using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Comet.Benchmarks.Measure;

/// <summary>
/// How many commands redis-server has run, by command, from <c>INFO commandstats</c>
/// (<c>cmdstat_publish:calls=12,usec=…</c>). Two readings give the commands a window cost; a script
/// (EVALSHA) counts as one command here, as it is one round trip.
/// </summary>
internal sealed record RedisCommandStats(IReadOnlyDictionary<string, long> Calls)
{
    public long Total => Calls.Values.Sum();

    /// <summary>Reads the statistics over a plain RESP connection (no client library needed).</summary>
    public static RedisCommandStats Read(string host, int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 5000, SendTimeout = 5000 };
        socket.Connect(host, port);
        socket.Send("*2\r\n$4\r\nINFO\r\n$12\r\ncommandstats\r\n"u8);
        var received = new MemoryStream();
        var buffer = new byte[8192];
        int? expected = null;
        while (expected is null || received.Length < expected)
        {
            var n = socket.Receive(buffer);
            if (n == 0)
            {
                throw new IOException("redis-server closed the connection during INFO.");
            }
            received.Write(buffer, 0, n);
            var text = Encoding.ASCII.GetString(received.GetBuffer(), 0, (int)received.Length);
            var header = text.IndexOf("\r\n", StringComparison.Ordinal);
            if (expected is null && header > 0)
            {
                // "$<length>\r\n<payload>\r\n"
                expected = header + 2 + int.Parse(text.AsSpan(1, header - 1), CultureInfo.InvariantCulture) + 2;
            }
        }
        return Parse(Encoding.ASCII.GetString(received.GetBuffer(), 0, (int)received.Length));
    }

    internal static RedisCommandStats Parse(string info)
    {
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in info.Split('\n'))
        {
            if (!line.StartsWith("cmdstat_", StringComparison.Ordinal))
            {
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var fields = line[(colon + 1)..].Trim().Split(',');
            var value = fields.First(f => f.StartsWith("calls=", StringComparison.Ordinal))["calls=".Length..];
            calls[line["cmdstat_".Length..colon]] = long.Parse(value, CultureInfo.InvariantCulture);
        }
        return new RedisCommandStats(calls);
    }

    /// <summary>Commands run between an earlier reading and this one, the busiest first (INFO itself left out).</summary>
    public IEnumerable<(string Command, long Calls)> Since(RedisCommandStats earlier) =>
        Calls.Select(c => (c.Key, c.Value - earlier.Calls.GetValueOrDefault(c.Key)))
            .Where(c => c.Item2 > 0 && c.Key != "info")
            .OrderByDescending(c => c.Item2);
}
