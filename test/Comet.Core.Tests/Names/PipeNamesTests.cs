using Comet.Core.Names;

namespace Comet.Core.Tests.Names;

public sealed class PipeNamesTests
{
    [Theory]
    [InlineData("web_chat", true)]
    [InlineData("track_Room-1", true)]
    [InlineData("user_status_15", true)]
    [InlineData("", true)]
    [InlineData("web chat", false)]
    [InlineData("web.chat", false)]
    [InlineData("@web_chat", false)]
    [InlineData("канал", false)]
    public void Only_letters_digits_underscore_and_dash_are_valid(string name, bool valid) =>
        Assert.Equal(valid, PipeNames.HasValidCharacters(name));

    [Theory]
    [InlineData("trust_room", true)]
    [InlineData("trust_", true)]
    [InlineData("web_trust_room", false)]
    [InlineData("Trust_room", false)]
    public void Trust_pipes_are_always_logged(string pipe, bool logged) =>
        Assert.Equal(logged, PipeNames.IsAlwaysLogged(pipe));

    [Theory]
    [InlineData("track_room", true)]
    [InlineData("web_track_room", false)]
    [InlineData("TRACK_room", false)]
    public void Track_pipes_are_tracked(string pipe, bool tracked) =>
        Assert.Equal(tracked, PipeNames.IsTracked(pipe));

    [Fact]
    public void A_users_status_pipe_carries_the_user_id()
    {
        Assert.Equal("user_status_15", PipeNames.UserStatus(15));
        Assert.Equal("user_status_9223372036854775807", PipeNames.UserStatus(long.MaxValue));
    }
}
