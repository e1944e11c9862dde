namespace Comet.CometQL.Auth;

/// <summary>The authentication plugins the server understands.</summary>
internal static class AuthPlugins
{
    public const string NativePassword = "mysql_native_password";
    public const string CachingSha2Password = "caching_sha2_password";

    public static bool IsSupported(string? plugin) => plugin is NativePassword or CachingSha2Password;
}
