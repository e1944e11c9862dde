using System.Text;
using Comet.CometQL.Serialization;

namespace Comet.CometQL.Protocol;

/// <summary>The client's answer to the greeting: capabilities, login name, auth response, database, plugin.</summary>
internal sealed record HandshakeResponse41(
    CapabilityFlags Capabilities,
    string User,
    byte[] AuthResponse,
    string? Database,
    string? AuthPlugin)
{
    /// <summary>Longest login name we read (dev_ids are short; anything longer fails authentication).</summary>
    public const int MaxUserLength = 256;

    /// <summary>A short packet with only capabilities (the client asked for SSL, which we never advertise).</summary>
    public const int SslRequestLength = 32;

    public static HandshakeResponse41 Read(ReadOnlySpan<byte> payload)
    {
        var r = new PayloadReader(payload);
        var capabilities = (CapabilityFlags)r.ReadUInt32();
        if ((capabilities & CapabilityFlags.Protocol41) == 0)
        {
            throw new MalformedPacketException("Clients older than protocol 4.1 are not supported");
        }
        r.ReadUInt32(); // max packet size
        r.ReadByte(); // character set
        r.ReadBytes(23);
        var userBytes = r.ReadNullTerminatedBytes();
        if (userBytes.Length > MaxUserLength)
        {
            throw new MalformedPacketException("The user name is too long");
        }
        var user = Encoding.UTF8.GetString(userBytes);

        byte[] auth;
        if ((capabilities & CapabilityFlags.PluginAuthLengthEncodedClientData) != 0)
        {
            auth = r.ReadLengthEncodedBytes().ToArray();
        }
        else if ((capabilities & CapabilityFlags.SecureConnection) != 0)
        {
            auth = r.ReadBytes(r.ReadByte()).ToArray();
        }
        else
        {
            auth = r.ReadNullTerminatedBytes().ToArray();
        }

        string? database = null;
        if ((capabilities & CapabilityFlags.ConnectWithDb) != 0 && r.Remaining > 0)
        {
            database = r.ReadNullTerminatedString();
        }
        string? plugin = null;
        if ((capabilities & CapabilityFlags.PluginAuth) != 0 && r.Remaining > 0)
        {
            plugin = r.ReadNullTerminatedString();
        }
        if ((capabilities & CapabilityFlags.ConnectAttributes) != 0 && r.Remaining > 0)
        {
            SkipConnectionAttributes(ref r);
        }
        return new HandshakeResponse41(capabilities, user, auth, database, plugin);
    }

    /// <summary>Reads COM_CHANGE_USER's body: the same login fields, in another layout, under the session's capabilities.</summary>
    public static HandshakeResponse41 ReadChangeUser(ReadOnlySpan<byte> body, CapabilityFlags capabilities)
    {
        var r = new PayloadReader(body);
        var userBytes = r.ReadNullTerminatedBytes();
        if (userBytes.Length > MaxUserLength)
        {
            throw new MalformedPacketException("The user name is too long");
        }
        var auth = (capabilities & CapabilityFlags.SecureConnection) != 0
            ? r.ReadBytes(r.ReadByte()).ToArray()
            : r.ReadNullTerminatedBytes().ToArray();
        var database = r.ReadNullTerminatedString();
        string? plugin = null;
        if (r.Remaining >= 2)
        {
            r.ReadUInt16(); // character set
            if ((capabilities & CapabilityFlags.PluginAuth) != 0 && r.Remaining > 0)
            {
                plugin = r.ReadNullTerminatedString();
            }
        }
        return new HandshakeResponse41(capabilities, Encoding.UTF8.GetString(userBytes), auth, database, plugin);
    }

    /// <summary>Checks the key/value pairs of CLIENT_CONNECT_ATTRS (we use none of them; the packet limit bounds them).</summary>
    private static void SkipConnectionAttributes(ref PayloadReader r)
    {
        var length = r.ReadLengthEncodedInteger();
        if (length > (ulong)r.Remaining)
        {
            throw new MalformedPacketException("Connection attributes are longer than the packet");
        }
        var end = r.Position + (int)length;
        while (r.Position < end)
        {
            r.ReadLengthEncodedBytes(); // key
            r.ReadLengthEncodedBytes(); // value
        }
        if (r.Position != end)
        {
            throw new MalformedPacketException("Malformed connection attributes");
        }
    }
}
