using Comet.CometQL.Execution;

namespace Comet.CometQL.Tests.Unit;

public sealed class LikePatternTests
{
    [Theory]
    [InlineData("max_allowed_packet", "%max%", true)]
    [InlineData("max_allowed_packet", "MAX_ALLOWED_PACKET", true)]
    [InlineData("lower_case_table_names", "lower_case_table_names", true)]
    [InlineData("lower_case_table_names", "lower\\_case%", true)]
    [InlineData("sql_mode", "sql_mod", false)]
    [InlineData("sql_mode", "sql_mod_", true)]
    [InlineData("abc", "%%%", true)]
    [InlineData("", "%", true)]
    [InlineData("abc", null, true)]
    public void Matches_like_MySQL(string text, string? pattern, bool expected) =>
        Assert.Equal(expected, LikePattern.Matches(text, pattern));

    [Fact]
    public void A_hostile_pattern_stays_fast()
    {
        var pattern = string.Concat(Enumerable.Repeat("%a", 2000)) + "b";
        Assert.False(LikePattern.Matches(new string('a', 60), pattern));
    }
}
