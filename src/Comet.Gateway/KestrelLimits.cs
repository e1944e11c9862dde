using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Comet.Gateway;

/// <summary>
/// Binds <c>Kestrel:Limits</c> (e.g. <c>Kestrel__Limits__RequestHeadersTimeout</c>) onto Kestrel's limits.
/// The host's default setup reads only endpoints from the <c>Kestrel</c> section, so without this the
/// limits that cut off unfinished handshakes (header timeout) and silent connections (keep-alive
/// timeout) could not be tightened by configuration.
/// </summary>
internal static class KestrelLimits
{
    public const string SectionName = "Kestrel:Limits";

    public static IServiceCollection AddKestrelLimits(this IServiceCollection services, IConfiguration configuration) =>
        services.Configure<KestrelServerOptions>(kestrel => configuration.GetSection(SectionName).Bind(kestrel.Limits));
}
