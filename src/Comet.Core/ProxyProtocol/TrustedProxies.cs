using System.Net;
using Microsoft.Extensions.Options;

namespace Comet.Core.ProxyProtocol;

/// <summary><see cref="ProxyProtocolOptions.TrustedProxies"/>, parsed: answers "is this peer a trusted proxy?".</summary>
public sealed class TrustedProxies
{
    private readonly IPNetwork[] _networks;

    public TrustedProxies(IOptions<ProxyProtocolOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _networks = [.. options.Value.TrustedProxies.Select(entry => TryParse(entry, out var network)
            ? network
            : throw new OptionsValidationException(ProxyProtocolOptions.SectionName, typeof(ProxyProtocolOptions), [InvalidEntry(entry)]))];
        Ports = _networks.Length == 0 ? ProxyProtocolPorts.None : options.Value.Ports;
    }

    /// <summary>The ports that read PROXY headers; none while no proxy is trusted.</summary>
    public ProxyProtocolPorts Ports { get; }

    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        // A dual-stack listener sees IPv4 peers as ::ffff:a.b.c.d; the list names them as a.b.c.d.
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>An address (a network of one) or a CIDR range.</summary>
    public static bool TryParse(string entry, out IPNetwork network)
    {
        network = default;
        var text = entry?.Trim() ?? "";
        if (IPAddress.TryParse(text, out var address) && !text.Contains('/', StringComparison.Ordinal))
        {
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        // "10.0.0.1/8" (host bits set) is refused: a typo for an address or for a range.
        return IPNetwork.TryParse(text, out network)
            && IPAddress.TryParse(text.AsSpan(0, text.IndexOf('/', StringComparison.Ordinal)), out var written)
            && written.Equals(network.BaseAddress);
    }

    public static string InvalidEntry(string entry) =>
        $"Comet:ProxyProtocol:TrustedProxies entry '{entry}' is neither an IP address nor a CIDR range (e.g. 10.0.0.5, 10.0.0.0/24, fd00::/8).";
}
