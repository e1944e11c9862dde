using System.Net;
using System.Net.Http.Headers;
using Comet.Testing;

namespace Comet.Gateway.Tests;

/// <summary>The gateway serves the browser client (src/Comet.Client/js) at /comet-server/js/.</summary>
public sealed class ClientScriptEndpointTests
{
    private static readonly string ClientDirectory = Path.Combine(RepositoryRoot.Path, "src", "Comet.Client", "js");

    [Theory]
    [InlineData("CometServerApi.js", "text/javascript")]
    [InlineData("comet.js", "text/javascript")]
    [InlineData("comet.d.ts", "application/typescript")]
    public async Task Each_file_is_served_as_it_is_in_the_repository_with_its_content_type(string file, string mediaType)
    {
        await using var gateway = await TestGateway.StartAsync();
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(gateway.HttpUri, "/comet-server/js/" + file));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(ClientDirectory, file)), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(response.Headers.CacheControl?.NoCache, "browsers must revalidate so an upgrade reaches them");
    }

    [Fact]
    public async Task A_browser_holding_the_current_version_gets_304_and_a_stale_one_gets_the_file()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var http = new HttpClient();
        var url = new Uri(gateway.HttpUri, "/comet-server/js/CometServerApi.js");
        using var first = await http.GetAsync(url);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);

        using var revalidate = new HttpRequestMessage(HttpMethod.Get, url);
        revalidate.Headers.IfNoneMatch.Add(etag);
        using var notModified = await http.SendAsync(revalidate);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        using var stale = new HttpRequestMessage(HttpMethod.Get, url);
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"an-older-version\""));
        using var changed = await http.SendAsync(stale);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(etag, changed.Headers.ETag);
    }

    [Theory]
    [InlineData("/comet-server/js/missing.js")]
    [InlineData("/comet-server/js/..%2Fappsettings.json")]
    public async Task Anything_else_under_the_path_is_404(string path)
    {
        await using var gateway = await TestGateway.StartAsync();
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(gateway.HttpUri, path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
