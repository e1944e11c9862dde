using System.Net;
using Comet.Core.Descriptors;
using Microsoft.Extensions.Options;

namespace Comet.CometQL.Limits;

/// <summary>
/// Counts open CometQL connections per node and per client address, takes each one's descriptor from the
/// pool WebSocket connections share (<see cref="DescriptorPool"/>), and refuses addresses that
/// failed to log in too often (<see cref="FailedLoginTracker"/>). The per-address table only holds
/// addresses with an open connection, so it is bounded by <see cref="CometQLOptions.MaxConnections"/>.
/// </summary>
internal sealed class ConnectionLimiter
{
    private readonly CometQLOptions _options;
    private readonly FailedLoginTracker _failedLogins;
    private readonly DescriptorPool _descriptors;
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private int _open;

    public ConnectionLimiter(IOptions<CometQLOptions> options, FailedLoginTracker failedLogins, DescriptorPool descriptors)
    {
        _options = options.Value;
        _failedLogins = failedLogins;
        _descriptors = descriptors;
    }

    /// <summary>Open connections on this node.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Admits a connection from <paramref name="address"/>; on <see cref="Admission.Accepted"/> call <see cref="Release"/> when it closes.</summary>
    public Admission TryAdmit(IPAddress? address)
    {
        if (address is not null && _failedLogins.IsBlocked(address))
        {
            return Admission.AddressBlocked;
        }
        lock (_perAddress)
        {
            if (_open >= _options.MaxConnections)
            {
                return Admission.NodeFull;
            }
            var count = 0;
            if (address is not null)
            {
                _perAddress.TryGetValue(address, out count);
                if (count >= _options.MaxConnectionsPerAddress)
                {
                    return Admission.AddressFull;
                }
            }
            // Last, so that a connection refused for a limit of its own takes no descriptor even for a moment.
            if (!_descriptors.TryTake())
            {
                return Admission.DescriptorsTaken;
            }
            if (address is not null)
            {
                _perAddress[address] = count + 1;
            }
            _open++;
            return Admission.Accepted;
        }
    }

    public void Release(IPAddress? address)
    {
        _descriptors.Return();
        lock (_perAddress)
        {
            _open--;
            if (address is not null && _perAddress.TryGetValue(address, out var count))
            {
                if (count <= 1)
                {
                    _perAddress.Remove(address);
                }
                else
                {
                    _perAddress[address] = count - 1;
                }
            }
        }
    }
}
