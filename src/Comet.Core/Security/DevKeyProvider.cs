using Comet.Core.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Comet.Core.Security;

/// <summary>The key of each dev_id: a per-dev_id key when configured, else <c>Comet:Password</c>.</summary>
public sealed class DevKeyProvider(IOptions<CometOptions> options, IHostEnvironment environment)
{
    private readonly CometOptions _options = options.Value;
    private readonly string _defaultKey = string.IsNullOrEmpty(options.Value.Password) && environment.IsDevelopment()
        ? CometOptions.DevelopmentPassword
        : options.Value.Password ?? string.Empty;

    /// <summary>The key CometQL logins of <paramref name="devId"/> must prove, and its JWT secret prefix.</summary>
    public string GetKey(int devId) => _options.DevKeys.TryGetValue(devId, out var key) ? key : _defaultKey;
}
