using Comet.Core.Options;
using Comet.CometQL.Auth;
using Comet.CometQL.Protocol;
using Comet.CometQL.Serialization;

namespace Comet.CometQL;

/// <summary>Logging in: the handshake response, the auth plugins, the database.</summary>
internal sealed partial class CometQLSession
{
    private bool Login(ReadOnlySpan<byte> payload)
    {
        HandshakeResponse41 response;
        try
        {
            if (payload.Length == HandshakeResponse41.SslRequestLength)
            {
                if (!_services.Tls.IsConfigured || _session.TlsVersion.Length > 0)
                {
                    return RefuseLogin(CometQLErrors.SslNotConfigured, "", "SSL requested without a certificate");
                }
                // The TLS handshake starts once this packet is consumed (RunSessionAsync); the login follows over TLS.
                _tlsRequested = true;
                return true;
            }
            response = HandshakeResponse41.Read(payload);
        }
        catch (MalformedPacketException)
        {
            return RefuseLogin(CometQLErrors.MalformedPacket, "", "malformed handshake response");
        }
        _session.ClientCapabilities = response.Capabilities & ServerCapabilities;
        _session.User = response.User;

        if (response.User.StartsWith(HealthCheckUserPrefix, StringComparison.Ordinal) && response.AuthResponse.Length == 0)
        {
            // A load balancer's health check: it may connect, but every query gets 403 (as in CppComet).
            OkPacket.Write(_packets, 0, 0, ServerStatus.AutoCommit);
            _phase = Phase.Command;
            return true;
        }

        var plugin = (response.Capabilities & CapabilityFlags.PluginAuth) != 0
            ? response.AuthPlugin ?? _options.AuthPlugin
            : AuthPlugins.NativePassword;
        if (!AuthPlugins.IsSupported(plugin))
        {
            // The client started with a plugin we do not speak: ask for mysql_native_password.
            _pendingLogin = response;
            _phase = Phase.AuthSwitchResponse;
            AuthSwitchRequestPacket.Write(_packets, AuthPlugins.NativePassword, _scramble);
            return true;
        }
        return CompleteLogin(response, plugin, response.AuthResponse);
    }

    /// <summary>COM_CHANGE_USER (PHP's persistent connections use it on reuse): a new login on this connection.</summary>
    private bool ChangeUser(ReadOnlySpan<byte> body)
    {
        HandshakeResponse41 request;
        try
        {
            request = HandshakeResponse41.ReadChangeUser(body, _session.ClientCapabilities);
        }
        catch (MalformedPacketException)
        {
            return RefuseLogin(CometQLErrors.MalformedPacket, "", "malformed change-user request");
        }
        _statements.Clear();
        _session.Authenticated = false;
        _session.Database = null;
        _session.User = request.User;
        var plugin = request.AuthPlugin ?? AuthPlugins.NativePassword;
        if (!AuthPlugins.IsSupported(plugin))
        {
            _pendingLogin = request;
            _phase = Phase.AuthSwitchResponse;
            AuthSwitchRequestPacket.Write(_packets, AuthPlugins.NativePassword, _scramble);
            return true;
        }
        return CompleteLogin(request, plugin, request.AuthResponse);
    }

    private bool FinishAuthSwitch(ReadOnlySpan<byte> payload)
    {
        var response = _pendingLogin!;
        _pendingLogin = null;
        return CompleteLogin(response, AuthPlugins.NativePassword, payload.ToArray());
    }

    private bool CompleteLogin(HandshakeResponse41 response, string plugin, byte[] authResponse)
    {
        if (_options.RequireTls && _session.TlsVersion.Length == 0)
        {
            _services.Instruments.Rejected("tls_required");
            return RefuseLogin(CometQLErrors.SecureTransportRequired, response.User, "TLS is required");
        }
        if (!DevIds.TryParse(response.User, out var devId))
        {
            return RefuseFailedLogin(CometQLErrors.AuthenticationFailure, response.User, "the login name is not a dev_id");
        }
        var key = _keys.GetKey(devId);
        bool verified;
        if (plugin == AuthPlugins.CachingSha2Password)
        {
            verified = CachingSha2Password.Verify(key, _scramble, authResponse);
        }
        else
        {
            if (authResponse.Length is not (NativePassword.TokenLength or 0))
            {
                return RefuseFailedLogin(CometQLErrors.AuthenticationLength, response.User, "wrong auth data length");
            }
            verified = NativePassword.Verify(key, _scramble, authResponse);
        }
        if (!verified)
        {
            return RefuseFailedLogin(CometQLErrors.AuthenticationFailure, response.User, "wrong key");
        }
        if (RemoteAddress is { } address)
        {
            _services.FailedLogins.Succeeded(address);
        }

        _session.LoginDevId = devId;
        _session.DevId = devId;
        _session.Authenticated = true;
        // CppComet refuses an empty database name; drivers such as mysqlnd send one, so it means "none".
        if (!string.IsNullOrEmpty(response.Database) && !_databases.TrySelect(_session, response.Database))
        {
            return RefuseLogin(CometQLErrors.SelectDatabaseFailure, response.User, "unknown database");
        }
        if (plugin == AuthPlugins.CachingSha2Password)
        {
            AuthMoreDataPacket.WriteFastAuthSuccess(_packets);
        }
        OkPacket.Write(_packets, 0, 0, ServerStatus.AutoCommit);
        _phase = Phase.Command;
        CometQLLog.LoggedIn(_logger, _session.ConnectionId, devId, plugin);
        return true;
    }

    private System.Net.IPAddress? RemoteAddress => (_session.RemoteEndPoint as System.Net.IPEndPoint)?.Address;

    /// <summary>A wrong key or login name: counts towards blocking the address (brute force).</summary>
    private bool RefuseFailedLogin(CometQLError error, string user, string reason)
    {
        _services.Instruments.LoginFailed();
        if (RemoteAddress is { } address && _services.FailedLogins.Failed(address))
        {
            CometQLLog.AddressBlocked(_logger, _session.RemoteEndPoint, _options.MaxFailedLoginsPerAddress, _options.FailedLoginWindow);
        }
        return RefuseLogin(error, user, reason);
    }

    private bool RefuseLogin(CometQLError error, string user, string reason)
    {
        CometQLLog.LoginRefused(_logger, user, _session.RemoteEndPoint, reason);
        WriteError(error);
        return false;
    }
}
