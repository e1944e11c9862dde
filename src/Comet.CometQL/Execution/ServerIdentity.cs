namespace Comet.CometQL.Execution;

/// <summary>How the server introduces itself.</summary>
internal static class ServerIdentity
{
    /// <summary>
    /// The handshake's version. It must start with a numeric MySQL version: drivers parse it
    /// (MySql.Data with int.Parse), so CppComet's "CppComet community 4.09" breaks them.
    /// </summary>
    public const string Version = "5.7.99-Comet.Gateway (CppComet 4.09 compatible)";

    /// <summary>CppComet's answer to <c>SELECT @@&lt;anything unknown&gt;</c> and @@version_comment.</summary>
    public const string VersionComment =
        "CppComet community 4.09 (AGPL license)(comet-server.com, support@comet-server.com) - Comet.Gateway";
}
