using Comet.Core.Security;

namespace Comet.Core.Tests.Security;

public sealed class ConstantTimeTests
{
    [Theory]
    [InlineData("secret", "secret", true)]
    [InlineData("", "", true)]
    [InlineData("secret", "Secret", false)]
    [InlineData("secret", "secret ", false)]
    [InlineData("secret", "", false)]
    [InlineData("пароль", "пароль", true)]
    public void Strings_are_equal_only_when_identical(string left, string right, bool equal) =>
        Assert.Equal(equal, ConstantTime.Equals(left, right));

    [Fact]
    public void A_missing_string_never_equals_anything()
    {
        Assert.False(ConstantTime.Equals(null, "secret"));
        Assert.False(ConstantTime.Equals("secret", null));
        Assert.False(ConstantTime.Equals((string?)null, null));
    }

    [Fact]
    public void Byte_strings_are_compared_in_full()
    {
        Assert.True(ConstantTime.Equals([1, 2, 3], [1, 2, 3]));
        Assert.False(ConstantTime.Equals([1, 2, 3], [1, 2, 4]));
        Assert.False(ConstantTime.Equals([1, 2, 3], [1, 2]));
    }
}
