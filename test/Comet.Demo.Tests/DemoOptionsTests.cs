using Microsoft.Extensions.Options;

namespace Comet.Demo.Tests;

/// <summary>Bad demo configuration stops the demo at start with a message naming the key.</summary>
public sealed class DemoOptionsTests
{
    [Theory]
    [InlineData("Demo:Password is required outside Development")]
    public async Task Outside_development_the_password_is_required(string expected)
    {
        var error = await StartFailsAsync("--environment", "Production");
        Assert.Contains(expected, error);
    }

    [Fact]
    public async Task Two_users_with_one_id_are_refused()
    {
        var error = await StartFailsAsync(
            "--environment", "Development",
            "--Demo:Users:0:Id", "5", "--Demo:Users:0:Name", "Eve",
            "--Demo:Users:1:Id", "5", "--Demo:Users:1:Name", "Mallory");
        Assert.Contains("Demo:Users: every user needs a different Id.", error);
    }

    [Fact]
    public async Task A_room_that_is_not_a_web_pipe_is_refused()
    {
        var error = await StartFailsAsync("--environment", "Development", "--Demo:RoomPipe", "private_room");
        Assert.Contains("Demo:RoomPipe must be web_", error);
    }

    private static async Task<string> StartFailsAsync(params string[] settings)
    {
        var app = DemoApp.Build([.. settings, "--urls", "http://127.0.0.1:0"]);
        await using (app)
        {
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
            return error.Message;
        }
    }
}
