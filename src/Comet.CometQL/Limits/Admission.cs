namespace Comet.CometQL.Limits;

/// <summary>Whether a new CometQL connection may start, and if not, why.</summary>
internal enum Admission
{
    Accepted,
    NodeFull,
    /// <summary>The descriptors shared with WebSocket connections are taken (<see cref="Comet.Core.Descriptors.DescriptorPool"/>).</summary>
    DescriptorsTaken,
    AddressFull,
    AddressBlocked,
    Draining,
}
