using Comet.Core.Names;
using Comet.Fuzz.Tests.Support;
using Comet.WebSockets.Commands;
using Comet.WebSockets.Protocol;
using Xunit.Abstractions;

namespace Comet.Fuzz.Tests.WebSockets;

/// <summary>The argument parsers of the WebSocket commands (the dispatcher itself runs end to end).</summary>
public sealed class SubscriptionListProperties(ITestOutputHelper output)
{
    private const int MaxPipes = 32;

    private static readonly string[] Dictionary = ["\n", "\r\n", ",", " ", "web_", "trust_", "private_", "track_", "a", "-", "_", "\u00e9", "\t"];

    private static readonly Gen<string> PipeName = Gen.Frequency(
        (6, Gen.Choose(2, 20).SelectMany(n => Gen.ArrayOf(Gen.Elements('a', 'b', 'z', '0', '9', '_', '-', 'W'), n)).Select(c => "web_" + new string(c))),
        (1, Gen.Elements("x", "", new string('p', PipeNames.MaxLength), new string('p', PipeNames.MaxLength + 1), "web_\u00e9t\u00e9", "web a")));

    private static readonly Gen<string[]> PipeLists = Gen.Choose(0, 40).SelectMany(n => Gen.ArrayOf(PipeName, n));

    private readonly FuzzRunner _fuzz = new(output);

    [Fact]
    public void A_subscription_list_yields_distinct_valid_names_within_the_limit() =>
        _fuzz.Run("subscription list", Mutate.Text(PipeLists.Select(l => string.Join('\n', l)), Dictionary), text =>
        {
            var list = SubscriptionListParser.Parse(text, MaxPipes);
            Assert.False(list.TooMany && list.NameTooLong);
            Assert.InRange(list.Pipes.Count, 0, MaxPipes);
            Assert.Equal(list.Pipes.Count, list.Pipes.Distinct(StringComparer.Ordinal).Count());
            Assert.All(list.Pipes, p =>
            {
                Assert.InRange(p.Length, 2, PipeNames.MaxLength);
                Assert.True(PipeNames.HasValidCharacters(p));
            });
        }, Printable.Of);

    [Fact]
    public void A_valid_subscription_list_is_read_in_order() =>
        _fuzz.Run("subscription list (valid)", PipeLists.Select(l => l.Where(p => p.Length >= 2 && p.Length <= PipeNames.MaxLength && PipeNames.HasValidCharacters(p)).Distinct().Take(MaxPipes).ToArray()), pipes =>
        {
            var list = SubscriptionListParser.Parse(string.Join('\n', pipes), MaxPipes);
            Assert.Equal(pipes, list.Pipes);
            Assert.False(list.TooMany || list.NameTooLong);
        }, p => Printable.Of(string.Join('\n', p)));

    [Fact]
    public void Command_arguments_split_into_lines_that_join_back_and_names_are_checked_without_throwing() =>
        _fuzz.Run("command arguments", Mutate.Text(PipeLists.Select(l => string.Join('\n', l)), Dictionary), text =>
        {
            // Commands read a handful of lines; 64 is plenty, and the rest must be what follows them.
            var rest = text;
            var read = new List<string>();
            for (var i = 0; i < 64 && (i == 0 || rest.Length > 0); i++)
            {
                var line = CommandArguments.NextLine(ref rest);
                Assert.DoesNotContain('\n', line);
                read.Add(line);
                Assert.Equal(PipeNames.HasValidCharacters(line) && line.Length <= PipeNames.MaxLength, CommandArguments.CheckName(line) is null);
                Assert.True(CommandArguments.CheckEvent(line) is null or "The event name can only contain characters A-Za-z0-9_-" or "Invalid event name length");
            }
            var consumed = string.Join('\n', read);
            Assert.True(text == consumed || text == consumed + "\n" + rest, "The lines read and the rest do not make up the text");
        }, Printable.Of);
}
