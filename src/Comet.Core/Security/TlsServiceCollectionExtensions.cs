using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Comet.Core.Security;

/// <summary>Registers <see cref="TlsOptions"/> and the certificate, checked when the host starts.</summary>
public static class TlsServiceCollectionExtensions
{
    public static IServiceCollection AddCometTls(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(s => s.ServiceType == typeof(TlsCertificate)))
        {
            return services;
        }
        services.AddOptions<TlsOptions>()
            .Bind(configuration.GetSection(TlsOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TlsOptions>, TlsOptionsValidator>();
        services.TryAddSingleton<TlsCertificate>();
        return services;
    }

    /// <summary>Loading the certificate is the validation: a clear error at start instead of at the first TLS client.</summary>
    private sealed class TlsOptionsValidator : IValidateOptions<TlsOptions>
    {
        public ValidateOptionsResult Validate(string? name, TlsOptions options)
        {
            try
            {
                using var certificate = TlsCertificate.Load(options);
                return ValidateOptionsResult.Success;
            }
            catch (InvalidOperationException e)
            {
                return ValidateOptionsResult.Fail(e.Message);
            }
        }
    }
}
