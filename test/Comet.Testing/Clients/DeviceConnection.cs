using System.Globalization;

namespace Comet.Testing.Clients;

/// <summary>
/// What one connection of a <see cref="PersonalMessageDevice"/> did, so that a chaos test can say which
/// connection (gateway, fault, time) a lost or repeated message belongs to.
/// </summary>
public sealed class DeviceConnection(int number, string gateway, long? ack, DateTime connecting, DateTime opened)
{
    public int Number { get; } = number;

    /// <summary>The gateway the device connected to through its proxy.</summary>
    public string Gateway { get; } = gateway;

    /// <summary>The <c>ack=</c> the URL carried (null: the original client, which sends none).</summary>
    public long? Ack { get; } = ack;

    /// <summary>When the device started to connect (the TCP connect to its proxy).</summary>
    public DateTime Connecting { get; } = connecting;

    /// <summary>When the WebSocket upgrade completed.</summary>
    public DateTime Opened { get; } = opened;
    public DateTime? Closed { get; internal set; }

    /// <summary>When the device failed the connection (null: it ended otherwise); a clean close ends
    /// later, when the close handshake is done.</summary>
    public DateTime? FaultAt { get; internal set; }
    public ConnectionEnd End { get; internal set; } = ConnectionEnd.Open;

    /// <summary>serverInfo's <c>ackSeq</c>: where the gateway resumed the connection (null: none said).</summary>
    public long? AckSeq { get; internal set; }

    /// <summary>True once serverInfo arrived.</summary>
    public bool Greeted { get; internal set; }

    /// <summary>Message numbers handed to the application on this connection.</summary>
    public int Processed { get; internal set; }
    public int? First { get; internal set; }
    public int? Last { get; internal set; }

    /// <summary>Of <see cref="Processed"/>, those that came as queued (<c>fromQueue</c>) messages.</summary>
    public int FromQueue { get; internal set; }

    /// <summary>Personal messages dropped because their seq was not above the highest processed.</summary>
    public int Dropped { get; internal set; }

    /// <summary>Messages received but not yet read when the connection was failed or closed.</summary>
    public int Unread { get; internal set; }

    /// <summary>Acks sent on this connection.</summary>
    public int Acks { get; internal set; }

    internal void Record(int number, bool fromQueue)
    {
        Processed++;
        First ??= number;
        Last = number;
        if (fromQueue)
        {
            FromQueue++;
        }
    }

    /// <summary>One line, times in seconds since <paramref name="start"/>.</summary>
    public string Describe(DateTime start) => string.Create(CultureInfo.InvariantCulture,
        $"#{Number} {Gateway} ack={Ack?.ToString(CultureInfo.InvariantCulture) ?? "-"}{(AckSeq is { } resumed ? $" ackSeq={resumed}" : "")} {(Connecting - start).TotalSeconds:0.000}/{(Opened - start).TotalSeconds:0.000}-{((Closed ?? DateTime.UtcNow) - start).TotalSeconds:0.000}s {End}{(FaultAt is { } fault ? $" (from {(fault - start).TotalSeconds:0.000}s)" : "")}: "
        + $"processed {Processed} ({First}..{Last}), {FromQueue} from queue, {Dropped} dropped as seen, {Unread} unread, {Acks} acks{(Greeted ? "" : ", never greeted")}");
}
