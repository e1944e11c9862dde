using Comet.Core.Options;

namespace Comet.Core.Tests.Options;

public sealed class DevIdsTests
{
    [Theory]
    [InlineData("root", 0)]
    [InlineData("0", 0)]
    [InlineData("15", 15)]
    [InlineData("99999", 99_999)]
    public void Login_names_select_a_dev_id(string login, int expected)
    {
        Assert.True(DevIds.TryParse(login, out var devId));
        Assert.Equal(expected, devId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Root")]
    [InlineData("admin")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("1.5")]
    [InlineData("100000")]
    [InlineData("99999999999999999999")]
    public void Other_login_names_are_refused(string login) =>
        Assert.False(DevIds.TryParse(login, out _));
}
