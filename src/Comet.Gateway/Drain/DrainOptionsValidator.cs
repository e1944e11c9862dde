using Microsoft.Extensions.Options;

namespace Comet.Gateway.Drain;

/// <summary>Checks what data annotations cannot: the drain's steps fit in its hard bound.</summary>
internal sealed class DrainOptionsValidator : IValidateOptions<DrainOptions>
{
    public ValidateOptionsResult Validate(string? name, DrainOptions options) =>
        options.Delay + options.Window < options.Timeout
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{DrainOptions.SectionName}:Timeout ({options.Timeout}) must be longer than Delay + Window ({options.Delay} + {options.Window}): " +
                "it bounds the whole stop, and closing handshakes, CometQL statements and presence cleanup need time after the last close.");
}
