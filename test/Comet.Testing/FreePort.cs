using System.Net;
using System.Net.Sockets;

namespace Comet.Testing;

/// <summary>Free loopback TCP ports for servers that a test starts as a separate process.</summary>
public static class FreePort
{
    // The kernel may hand the same free port to two calls in a row (nothing is bound to it in between);
    // a test process starts many servers (a Redis Cluster alone takes six), so never give one out twice.
    private static readonly HashSet<int> _given = [];

    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (_given)
            {
                if (_given.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
