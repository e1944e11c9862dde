using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comet.Testing;
using Comet.Testing.Clients;
using Microsoft.AspNetCore.Builder;

namespace Comet.Demo.Tests;

/// <summary>
/// The demo backend's API against a real gateway: what it writes over CometQL, and what it refuses.
/// The tests share one gateway, so each uses its own demo users as recipients.
/// </summary>
public sealed class DemoApiTests(DemoOnGateway demo) : IClassFixture<DemoOnGateway>, IDisposable
{
    private readonly TestGateway _gateway = demo.Gateway;
    private readonly HttpClient _http = demo.NewBrowser();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Logging_in_stores_the_users_hash_over_cometql_and_hands_it_to_the_page_the_same_each_time()
    {
        var first = await LoginAsync(2);
        var second = await LoginAsync(2);

        var userKey = first.GetProperty("userKey").GetString();
        Assert.Matches("^[A-Za-z0-9]{32}$", userKey);
        Assert.Equal(userKey, second.GetProperty("userKey").GetString());
        var rows = await CometQLBackend.RowsOnceAsync(_gateway.ConnectionString(), "SELECT hash FROM users_auth WHERE id = 2");
        Assert.Equal(userKey, Assert.Single(rows)[0]);
        Assert.Equal($"http://127.0.0.1:{_gateway.HttpPort}/comet-server/js/comet.js", first.GetProperty("clientModule").GetString());
    }

    [Fact]
    public async Task A_personal_message_reaches_users_messages_as_json_whatever_its_characters()
    {
        await LoginAsync(1);
        var text = "it's \"q\", back\\slash, <b>b</b>, привет";

        using var response = await _http.PostAsJsonAsync("/api/messages", new { to = 3, text });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = await CometQLBackend.RowsOnceAsync(_gateway.ConnectionString(), "SELECT event, message FROM users_messages WHERE id = 3");
        var row = Assert.Single(rows);
        Assert.Equal("newMessage", row[0]);
        using var message = JsonDocument.Parse(row[1]!);
        Assert.Equal(text, message.RootElement.GetProperty("text").GetString());
        Assert.Equal(1, message.RootElement.GetProperty("from").GetInt64());
    }

    [Fact]
    public async Task Without_a_login_the_page_is_told_so_and_the_api_refuses()
    {
        using var me = await _http.GetAsync("/api/me");
        using var contacts = await _http.GetAsync("/api/contacts");
        using var send = await _http.PostAsJsonAsync("/api/messages", new { to = 2, text = "hi" });

        Assert.Equal(HttpStatusCode.NoContent, me.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, contacts.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, send.StatusCode);
    }

    [Theory]
    [InlineData(2, "", "A message has 1 to 50 characters.")]
    [InlineData(2, "123456789012345678901234567890123456789012345678901", "A message has 1 to 50 characters.")]
    [InlineData(1, "to myself", "No other demo user 1.")]
    [InlineData(99, "to nobody", "No other demo user 99.")]
    public async Task A_bad_message_gets_400_with_the_reason_and_nothing_is_sent(long to, string text, string error)
    {
        await LoginAsync(1);

        using var response = await _http.PostAsJsonAsync("/api/messages", new { to, text });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Empty(await CometQLBackend.RowsOnceAsync(_gateway.ConnectionString(), "SELECT id FROM users_messages WHERE id IN (1, 2, 99)"));
    }

    [Fact]
    public async Task Logging_in_as_someone_who_is_not_a_demo_user_is_refused()
    {
        using var response = await _http.PostAsJsonAsync("/api/login", new { userId = 42 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await CometQLBackend.RowsOnceAsync(_gateway.ConnectionString(), "SELECT hash FROM users_auth WHERE id = 42"));
    }

    private async Task<JsonElement> LoginAsync(long userId)
    {
        using var response = await _http.PostAsJsonAsync("/api/login", new { userId });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
