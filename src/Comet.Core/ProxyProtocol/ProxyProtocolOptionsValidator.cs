using Microsoft.Extensions.Options;

namespace Comet.Core.ProxyProtocol;

/// <summary>Every trusted proxy entry must parse, so that a typo stops the start instead of trusting nobody.</summary>
internal sealed class ProxyProtocolOptionsValidator : IValidateOptions<ProxyProtocolOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyProtocolOptions options)
    {
        var errors = options.TrustedProxies.Where(entry => !TrustedProxies.TryParse(entry, out _)).Select(TrustedProxies.InvalidEntry).ToList();
        if (options.TrustedProxies.Count > 0 && options.Ports == ProxyProtocolPorts.None)
        {
            errors.Add("Comet:ProxyProtocol:Ports is None while TrustedProxies is set: name CometQL, Http or both.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
