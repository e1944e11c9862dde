using System.Net;
using Comet.Testing;

namespace Comet.Gateway.Tests;

public sealed class InfoEndpointTests
{
    [Fact]
    public async Task Info_answers_status_ok_and_the_node_name_padded_to_ten()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var http = new HttpClient();

        foreach (var path in new[] { "/info", "/comet-server/info" })
        {
            using var response = await http.GetAsync(new Uri(gateway.HttpUri, path));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("{\"status\":\"ok\",\"node\":\"test______\"}", await response.Content.ReadAsStringAsync());
            Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }
    }

    [Fact]
    public async Task Options_answers_plus_ok()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri(gateway.HttpUri, "/anything"));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("+OK\r\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readiness_reports_ready_on_the_memory_engine()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(gateway.HttpUri, "/health/ready"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
