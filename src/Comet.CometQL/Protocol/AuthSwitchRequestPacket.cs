using Comet.CometQL.Serialization;

namespace Comet.CometQL.Protocol;

/// <summary>Asks the client to answer with another authentication plugin (0xFE, plugin name, scramble).</summary>
internal static class AuthSwitchRequestPacket
{
    public static void Write(PacketWriter packets, string plugin, ReadOnlySpan<byte> scramble)
    {
        var packet = packets.Begin(plugin.Length + scramble.Length + 3);
        var w = new PayloadWriter(PacketWriter.PayloadOf(packet));
        w.WriteByte(0xFE);
        w.WriteNullTerminatedString(plugin);
        w.WriteBytes(scramble);
        w.WriteByte(0);
        packets.End(packet, w.Position);
    }
}
