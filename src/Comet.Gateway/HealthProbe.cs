namespace Comet.Gateway;

/// <summary>
/// <c>dotnet Comet.Gateway.dll probe URL</c>: exits 0 when GET URL answers 2xx within 5 s, 1 otherwise.
/// The container's HEALTHCHECK uses it because the small runtime image has no curl or shell.
/// </summary>
internal static class HealthProbe
{
    public static bool IsProbe(string[] args) => args.Length == 2 && args[0] == "probe";

    public static async Task<int> RunAsync(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            await Console.Error.WriteLineAsync($"probe: '{url}' is not an http:// URL");
            return 2;
        }
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(uri);
            await Console.Out.WriteLineAsync($"probe: {(int)response.StatusCode} from {uri}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"probe: {uri} did not answer ({e.GetType().Name})");
            return 1;
        }
    }
}
