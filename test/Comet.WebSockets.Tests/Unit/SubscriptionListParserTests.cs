using Comet.WebSockets.Protocol;

namespace Comet.WebSockets.Tests.Unit;

public sealed class SubscriptionListParserTests
{
    [Fact]
    public void Splits_on_any_character_outside_the_name_alphabet()
    {
        var list = SubscriptionListParser.Parse("web_a\nweb-b,track_c web_d", 32);

        Assert.Equal(["web_a", "web-b", "track_c", "web_d"], list.Pipes);
        Assert.False(list.TooMany);
        Assert.False(list.NameTooLong);
    }

    [Fact]
    public void A_name_shorter_than_two_characters_ends_the_list()
    {
        Assert.Equal(["web_a"], SubscriptionListParser.Parse("web_a\n\nweb_b", 32).Pipes);
        Assert.Equal(["web_a"], SubscriptionListParser.Parse("web_a\nx\nweb_b", 32).Pipes);
        Assert.Empty(SubscriptionListParser.Parse("", 32).Pipes);
    }

    [Fact]
    public void Duplicates_count_once()
    {
        Assert.Equal(["web_a"], SubscriptionListParser.Parse("web_a\nweb_a", 1).Pipes);
    }

    [Fact]
    public void More_than_the_limit_keeps_the_first_ones()
    {
        var list = SubscriptionListParser.Parse("p1\np2\np3", 2);

        Assert.Equal(["p1", "p2"], list.Pipes);
        Assert.True(list.TooMany);
    }

    [Fact]
    public void Names_up_to_64_characters_pass_and_longer_ones_refuse_the_list()
    {
        Assert.Single(SubscriptionListParser.Parse(new string('a', 64), 32).Pipes);
        Assert.True(SubscriptionListParser.Parse("web_ok\n" + new string('a', 65), 32).NameTooLong);
    }
}
