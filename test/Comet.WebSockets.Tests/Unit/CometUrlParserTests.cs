using Comet.WebSockets.Protocol;

namespace Comet.WebSockets.Tests.Unit;

public sealed class CometUrlParserTests
{
    [Fact]
    public void Parses_the_JS_clients_url()
    {
        var url = CometUrlParser.Parse("sesion=abcHASH&myid=42&devid=15&v=4.08&uuid=0123456789abcdef0123456789abcdef&api=js", out var error);

        Assert.Null(error);
        Assert.Equal(new CometUrl("abcHASH", 42, 15, 4, 8, "0123456789abcdef0123456789abcdef"), url);
        Assert.False(url!.Compat);
    }

    [Fact]
    public void Names_are_not_checked_only_positions()
    {
        var url = CometUrlParser.Parse("x=K&abcd=7&efghi=3&w=3.25", out _);

        // CppComet skips a fixed number of characters after each '&' (5, 6, 2), whatever they are.
        Assert.Equal(new CometUrl("K", 7, 3, 3, 25, ""), url);
        Assert.True(url!.Compat);
    }

    [Theory]
    [InlineData("sesion=K&myid=abc&devid=0&v=4.08", 0)]
    [InlineData("sesion=K&myid=-5&devid=0&v=4.08", 0)]
    [InlineData("sesion=K&myid=&devid=0&v=4.08", 0)]
    [InlineData("sesion=K&myid=12x&devid=0&v=4.08", 12)]
    public void An_invalid_user_id_is_0(string text, long expected) =>
        Assert.Equal(expected, CometUrlParser.Parse(text, out _)!.UserId);

    [Fact]
    public void A_hash_may_contain_equals_signs_and_percent_escapes()
    {
        Assert.Equal("ab==", CometUrlParser.Parse("sesion=ab==&myid=1&devid=0&v=4.08", out _)!.Session);
        Assert.Equal("a+b/", CometUrlParser.Parse("sesion=a%2Bb%2F&myid=1&devid=0&v=4.08", out _)!.Session);
    }

    [Fact]
    public void The_uuid_is_cut_to_32_characters_and_optional()
    {
        Assert.Equal(new string('u', 32), CometUrlParser.Parse("sesion=K&myid=1&devid=0&v=4.08&uuid=" + new string('u', 40), out _)!.Uuid);
        Assert.Equal("", CometUrlParser.Parse("sesion=K&myid=1&devid=0&v=4.08", out _)!.Uuid);
        Assert.Equal("", CometUrlParser.Parse("sesion=K&myid=1&devid=0&v=4.08&api=js", out _)!.Uuid);
    }

    [Fact]
    public void A_long_session_is_cut_to_600_characters()
    {
        var url = CometUrlParser.Parse("sesion=" + new string('j', 700) + "&myid=1&devid=0&v=4.08", out _);

        Assert.Equal(600, url!.Session.Length);
    }

    [Theory]
    [InlineData("", 401)]
    [InlineData("sesion", 401)]
    [InlineData("sesion=K", 401)]
    [InlineData("sesion=K&myid=1", 406)]
    [InlineData("sesion=K&myid=1&devid=", 406)]
    [InlineData("sesion=K&myid=1&devid=-1&v=4.08", 406)]
    [InlineData("sesion=K&myid=1&devid=100000&v=4.08", 406)]
    [InlineData("sesion=K&myid=1&devid=0", 418)]
    [InlineData("sesion=K&myid=1&devid=0&v=4", 418)]
    [InlineData("sesion=K&myid=1&devid=0&v=.1", 418)]
    [InlineData("sesion=K&myid=1&devid=0&v=4.x", 418)]
    public void Missing_parts_give_CppComets_codes(string text, int code)
    {
        Assert.Null(CometUrlParser.Parse(text, out var error));
        Assert.Equal(code, error!.Code);
    }
}
