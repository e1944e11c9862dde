using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace Comet.Demo;

/// <summary>Builds the chat demo: its API, its page, and its CometQL client.</summary>
public static class DemoApp
{
    /// <summary>The address when neither <c>ASPNETCORE_URLS</c> nor <c>--urls</c> is set.</summary>
    public const string DefaultUrls = "http://127.0.0.1:8088";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrls);
        }
        builder.Services.AddOptions<DemoOptions>()
            .Bind(builder.Configuration.GetSection(DemoOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<DemoOptionsSetup>();
        builder.Services.AddSingleton<IPostConfigureOptions<DemoOptions>>(sp => sp.GetRequiredService<DemoOptionsSetup>());
        builder.Services.AddSingleton<IValidateOptions<DemoOptions>>(sp => sp.GetRequiredService<DemoOptionsSetup>());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CometQL>();
        builder.Services.AddSingleton<ChatStore>();
        builder.Services.AddSingleton<DemoSessions>();
        builder.Services.AddHostedService<RoomSetup>();

        var app = builder.Build();
        var page = new EmbeddedFileProvider(typeof(DemoApp).Assembly, "Comet.Demo.wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = page });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = page });
        app.MapChatApi();
        return app;
    }
}
