using Comet.CometQL.Serialization;

namespace Comet.CometQL.Protocol;

/// <summary>The server's greeting (protocol 10): version, connection id, scramble, capabilities, auth plugin.</summary>
internal static class InitialHandshakePacket
{
    public static void Write(PacketWriter packets, string serverVersion, uint connectionId, ReadOnlySpan<byte> scramble,
        CapabilityFlags capabilities, byte charset, ServerStatus status, string authPlugin)
    {
        var packet = packets.Begin(64 + (serverVersion.Length * 3) + scramble.Length + authPlugin.Length);
        var w = new PayloadWriter(PacketWriter.PayloadOf(packet));
        w.WriteByte(10);
        w.WriteNullTerminatedString(serverVersion);
        w.WriteUInt32(connectionId);
        w.WriteBytes(scramble[..8]);
        w.WriteByte(0);
        w.WriteUInt16((ushort)capabilities);
        w.WriteByte(charset);
        w.WriteUInt16((ushort)status);
        w.WriteUInt16((ushort)((uint)capabilities >> 16));
        w.WriteByte((byte)(scramble.Length + 1));
        w.WriteZeros(10);
        w.WriteBytes(scramble[8..]);
        w.WriteByte(0);
        w.WriteNullTerminatedString(authPlugin);
        packets.End(packet, w.Position);
    }
}
