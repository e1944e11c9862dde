namespace Comet.CometQL.Limits;

/// <summary>Whether a new CometQL connection may start, and if not, why.</summary>
internal enum Admission
{
    Accepted,
    NodeFull,
    AddressFull,
    AddressBlocked,
    Draining,
}
