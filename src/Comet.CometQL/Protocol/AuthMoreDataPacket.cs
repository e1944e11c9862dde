using Comet.CometQL.Serialization;

namespace Comet.CometQL.Protocol;

/// <summary>caching_sha2_password's "fast authentication succeeded" (0x01 0x03); an OK packet follows.</summary>
internal static class AuthMoreDataPacket
{
    public const byte FastAuthSuccess = 0x03;

    public static void WriteFastAuthSuccess(PacketWriter packets)
    {
        var packet = packets.Begin(2);
        var w = new PayloadWriter(PacketWriter.PayloadOf(packet));
        w.WriteByte(0x01);
        w.WriteByte(FastAuthSuccess);
        packets.End(packet, w.Position);
    }
}
