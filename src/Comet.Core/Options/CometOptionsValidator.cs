using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Comet.Core.Options;

/// <summary>Checks at start-up what data annotations cannot: a password outside Development, sane keys.</summary>
public sealed class CometOptionsValidator(IHostEnvironment environment) : IValidateOptions<CometOptions>
{
    public ValidateOptionsResult Validate(string? name, CometOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.Password) && !environment.IsDevelopment())
        {
            failures.Add(
                "Comet:Password is required outside the Development environment. " +
                "Set the environment variable Comet__Password to the CometQL/JWT key.");
        }
        if (string.IsNullOrWhiteSpace(options.NodeName))
        {
            failures.Add("Comet:NodeName must not be empty.");
        }
        foreach (var (devId, key) in options.DevKeys)
        {
            if (devId is < 0 or >= DevIds.Limit)
            {
                failures.Add($"Comet:DevKeys:{devId}: a dev_id must be in 0..{DevIds.Limit - 1}.");
            }
            if (string.IsNullOrEmpty(key))
            {
                failures.Add($"Comet:DevKeys:{devId}: the key must not be empty.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
