using System.Text;
using Comet.CometQL.Protocol;
using Comet.CometQL.Serialization;
using Comet.Fuzz.Tests.Support;
using Xunit.Abstractions;

namespace Comet.Fuzz.Tests.CometQL;

/// <summary>The handshake response and COM_CHANGE_USER are read before the client has proved anything.</summary>
public sealed class HandshakeProperties(ITestOutputHelper output)
{
    private readonly FuzzRunner _fuzz = new(output);

    [Fact]
    public void A_valid_handshake_response_reads_back_as_written() =>
        _fuzz.Run("handshake response (valid)", CometQLInputs.ValidHandshake(), handshake =>
        {
            var payload = handshake.Encode();
            if (Encoding.UTF8.GetByteCount(handshake.User) > HandshakeResponse41.MaxUserLength)
            {
                Assert.Throws<MalformedPacketException>(() => HandshakeResponse41.Read(payload));
                return;
            }
            var read = HandshakeResponse41.Read(payload);
            Assert.Equal(handshake.Capabilities, read.Capabilities);
            Assert.Equal(handshake.User, read.User);
            Assert.Equal(handshake.Auth, read.AuthResponse);
            Assert.Equal((handshake.Capabilities & CapabilityFlags.ConnectWithDb) != 0 ? handshake.Database : null, read.Database);
            Assert.Equal((handshake.Capabilities & CapabilityFlags.PluginAuth) != 0 ? handshake.Plugin : null, read.AuthPlugin);
        }, h => $"{h} {Printable.Of(h.Encode())}");

    [Fact]
    public void A_mutated_handshake_response_is_read_or_refused_as_malformed() =>
        _fuzz.Run("handshake response (mutated)", Mutate.Bytes(CometQLInputs.ValidHandshake().Select(h => h.Encode())), payload =>
        {
            try
            {
                var read = HandshakeResponse41.Read(payload);
                Assert.True(Encoding.UTF8.GetByteCount(read.User) <= HandshakeResponse41.MaxUserLength * 3);
                Assert.True(read.AuthResponse.Length <= payload.Length);
            }
            catch (MalformedPacketException)
            {
                // The documented refusal: the session answers "Malformed packet" and closes.
            }
        }, Printable.Of);

    [Fact]
    public void A_mutated_change_user_request_is_read_or_refused_as_malformed()
    {
        var requests =
            from capabilities in Gen.Elements(CapabilityFlags.Protocol41, CapabilityFlags.Protocol41 | CapabilityFlags.SecureConnection,
                CapabilityFlags.Protocol41 | CapabilityFlags.SecureConnection | CapabilityFlags.PluginAuth)
            from user in CometQLInputs.Name(40)
            from auth in Gen.ArrayOf(Gen.Choose(1, 255).Select(b => (byte)b), 20)
            from database in CometQLInputs.Name(20)
            from body in Mutate.Bytes(Gen.Constant(ChangeUserBody(capabilities, user, auth, database)))
            select (capabilities, body);
        _fuzz.Run("change user (mutated)", requests, input =>
        {
            try
            {
                var read = HandshakeResponse41.ReadChangeUser(input.body, input.capabilities);
                Assert.NotNull(read.User);
            }
            catch (MalformedPacketException)
            {
            }
        }, input => $"{input.capabilities} {Printable.Of(input.body)}");
    }

    private static byte[] ChangeUserBody(CapabilityFlags capabilities, string user, byte[] auth, string database)
    {
        var w = new MySqlWire().NullTerminated(user);
        if ((capabilities & CapabilityFlags.SecureConnection) != 0)
        {
            w.Byte((byte)auth.Length).Bytes(auth);
        }
        else
        {
            w.Bytes(auth).Byte(0);
        }
        return w.NullTerminated(database).UInt16(45).NullTerminated("mysql_native_password").ToArray();
    }
}
