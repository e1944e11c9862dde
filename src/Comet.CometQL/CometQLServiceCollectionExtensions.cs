using Comet.Core.Diagnostics;
using Comet.Core.ProxyProtocol;
using Comet.Core.Security;
using Comet.CometQL.Execution;
using Comet.CometQL.Limits;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Comet.CometQL;

/// <summary>Registers the CometQL (MySQL protocol) transport.</summary>
public static class CometQLServiceCollectionExtensions
{
    public static IServiceCollection AddCometQL(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CometQLOptions>()
            .Bind(configuration.GetSection(CometQLOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate<IOptions<TlsOptions>>((o, tls) => !o.RequireTls || tls.Value.IsConfigured,
                "Comet:CometQL:RequireTls is on but no certificate is configured: set Comet:Tls:CertificateFile + KeyFile or Comet:Tls:PfxFile.")
            .ValidateOnStart();
        services.AddCometTls(configuration);
        services.AddProxyProtocol(configuration);
        services.AddSingleton<DatabaseSelector>();
        services.AddSingleton<MeterStatus>();
        services.AddSingleton<StatementExecutor>();
        services.AddSingleton<FailedLoginTracker>();
        services.AddSingleton<ConnectionLimiter>();
        services.AddSingleton<CometQLInstruments>();
        services.AddSingleton(sp => new CometQLServices(
            sp.GetRequiredService<StatementExecutor>(),
            sp.GetRequiredService<DatabaseSelector>(),
            sp.GetRequiredService<DevKeyProvider>(),
            sp.GetRequiredService<IOptions<CometQLOptions>>().Value,
            sp.GetRequiredService<TlsCertificate>(),
            sp.GetRequiredService<FailedLoginTracker>(),
            sp.GetRequiredService<CometQLInstruments>(),
            sp.GetRequiredService<ProxyProtocolInstruments>(),
            sp.GetRequiredService<ILogger<CometQLConnectionHandler>>()));
        services.AddSingleton(sp => new CometQLConnectionHandler(
            sp.GetRequiredService<CometQLServices>(),
            sp.GetRequiredService<ConnectionLimiter>(),
            sp.GetRequiredService<CometMetrics>(),
            sp.GetRequiredService<CometQLInstruments>(),
            // Hosts without a lifetime (a bare service provider in tests) never drain.
            sp.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None));
        return services;
    }
}
