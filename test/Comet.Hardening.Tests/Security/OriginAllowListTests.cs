using Comet.WebSockets.Origins;

namespace Comet.Hardening.Tests.Security;

/// <summary>The matching rules of Comet:WebSocket:AllowedOrigins (docs/security.md, "Origins").</summary>
public sealed class OriginAllowListTests
{
    private static readonly OriginAllowList List = new(["https://www.example.com", "http://localhost:8080", "https://*.example.org"]);

    [Theory]
    [InlineData("https://www.example.com")]
    [InlineData("HTTPS://WWW.EXAMPLE.COM")]
    [InlineData("https://www.example.com:443")]
    [InlineData("http://localhost:8080")]
    [InlineData("https://chat.example.org")]
    [InlineData("https://a.b.example.org")]
    [InlineData(null)] // no Origin header: not a browser
    public void Listed_origins_are_allowed(string? origin) => Assert.True(List.Allows(origin), origin);

    [Theory]
    [InlineData("http://www.example.com")] // another scheme
    [InlineData("https://www.example.com:8443")] // another port
    [InlineData("http://localhost")]
    [InlineData("https://www.example.com.evil.test")]
    [InlineData("https://evilexample.org")]
    [InlineData("https://example.org")] // the wildcard covers subdomains only
    [InlineData("null")] // sandboxed pages and file://
    [InlineData("")]
    [InlineData("not an origin")]
    [InlineData("https://*.example.org")]
    public void Other_origins_are_refused(string origin) => Assert.False(List.Allows(origin), origin);

    [Fact]
    public void An_empty_list_allows_every_origin_as_CppComet_does()
    {
        var list = new OriginAllowList([]);
        Assert.True(list.AllowsAll);
        Assert.True(list.Allows("https://anything.test"));
    }

    [Theory]
    [InlineData("https://www.example.com", true)]
    [InlineData("https://*.example.com", true)]
    [InlineData("http://127.0.0.1:8087", true)]
    [InlineData("https://www.example.com/", false)]
    [InlineData("https://www.example.com/path", false)]
    [InlineData("www.example.com", false)]
    [InlineData("ftp://www.example.com", false)]
    [InlineData("*", false)]
    public void Entries_must_be_origins(string entry, bool valid) => Assert.Equal(valid, OriginAllowList.IsValidEntry(entry));
}
