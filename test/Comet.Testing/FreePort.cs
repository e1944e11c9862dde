using System.Net;
using System.Net.Sockets;

namespace Comet.Testing;

/// <summary>Free loopback TCP ports for servers that a test starts as a separate process.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
