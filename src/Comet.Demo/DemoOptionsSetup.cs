using Microsoft.Extensions.Options;

namespace Comet.Demo;

/// <summary>Defaults that depend on the environment, and the checks data annotations cannot make.</summary>
internal sealed class DemoOptionsSetup(IHostEnvironment environment) : IPostConfigureOptions<DemoOptions>, IValidateOptions<DemoOptions>
{
    private static readonly DemoUser[] DefaultUsers =
    [
        new() { Id = 1, Name = "Alice" }, new() { Id = 2, Name = "Bob" },
        new() { Id = 3, Name = "Carol" }, new() { Id = 4, Name = "Dave" },
    ];

    public void PostConfigure(string? name, DemoOptions options)
    {
        if (string.IsNullOrEmpty(options.Password) && environment.IsDevelopment())
        {
            options.Password = DemoOptions.DevelopmentPassword;
        }
        // Lists get their defaults here: configuration binding appends to a list, it does not replace it.
        if (options.GatewayNodes.Count == 0)
        {
            options.GatewayNodes.Add("127.0.0.1:8087");
        }
        if (options.Users.Count == 0)
        {
            options.Users.AddRange(DefaultUsers);
        }
    }

    public ValidateOptionsResult Validate(string? name, DemoOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.Password))
        {
            failures.Add("Demo:Password is required outside Development (the gateway's Comet:Password or dev key).");
        }
        if (options.Users.Select(u => u.Id).Distinct().Count() != options.Users.Count)
        {
            failures.Add("Demo:Users: every user needs a different Id.");
        }
        if (options.Users.Any(u => u.Id < 1 || string.IsNullOrWhiteSpace(u.Name) || u.Name.Length > 40))
        {
            failures.Add("Demo:Users: each user needs an Id of 1 or more and a Name of 1-40 characters.");
        }
        if (options.GatewayNodes.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add("Demo:GatewayNodes: a node is empty.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
