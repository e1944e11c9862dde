namespace Comet.CometQL.Serialization;

/// <summary>A received packet is shorter than its fields claim, or otherwise not what its command defines.</summary>
internal sealed class MalformedPacketException : Exception
{
    public MalformedPacketException()
        : base("Malformed packet")
    {
    }

    public MalformedPacketException(string message)
        : base(message)
    {
    }

    public MalformedPacketException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
