using Comet.Core.Options;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Comet.Core.Tests.Options;

public sealed class CometOptionsValidatorTests
{
    [Fact]
    public void Production_without_a_password_is_refused_with_the_variable_to_set()
    {
        var result = Validate(Environments.Production, new CometOptions());

        Assert.True(result.Failed);
        Assert.Contains("Comet__Password", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Development_may_run_without_a_password()
    {
        Assert.True(Validate(Environments.Development, new CometOptions()).Succeeded);
    }

    [Fact]
    public void A_configured_password_is_enough_in_production()
    {
        Assert.True(Validate(Environments.Production, new CometOptions { Password = "key" }).Succeeded);
    }

    [Fact]
    public void An_empty_node_name_is_refused()
    {
        var result = Validate(Environments.Production, new CometOptions { Password = "key", NodeName = " " });

        Assert.True(result.Failed);
        Assert.Contains("Comet:NodeName", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Dev_keys_need_a_dev_id_in_range_and_a_key()
    {
        var options = new CometOptions { Password = "key" };
        options.DevKeys[15] = "fifteen";
        options.DevKeys[100_000] = "too-big";
        options.DevKeys[-1] = "negative";
        options.DevKeys[7] = "";

        var result = Validate(Environments.Production, options);

        Assert.True(result.Failed);
        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.Contains("Comet:DevKeys:100000", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("Comet:DevKeys:-1", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("Comet:DevKeys:7: the key must not be empty", StringComparison.Ordinal));
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(string environment, CometOptions options) =>
        new CometOptionsValidator(new TestEnvironment(environment)).Validate(null, options);

    private sealed class TestEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "Comet.Core.Tests";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
