using Comet.Core.Options;
using Comet.Fuzz.Tests.Support;
using Comet.WebSockets.Protocol;
using Xunit.Abstractions;

namespace Comet.Fuzz.Tests.WebSockets;

/// <summary>The connect URL is the first thing a browser (or anyone) sends.</summary>
public sealed class CometUrlParserProperties(ITestOutputHelper output)
{
    private static readonly CometUrlError[] DocumentedErrors =
    [
        CometUrlParser.NoSession, CometUrlParser.NoUserId, CometUrlParser.NoDevId, CometUrlParser.InvalidDevId,
        CometUrlParser.DevIdOutOfRange, CometUrlParser.NoVersion,
    ];

    private readonly FuzzRunner _fuzz = new(output);

    [Fact]
    public void A_url_parses_to_bounded_fields_or_gets_a_documented_error() =>
        _fuzz.Run("connect url", WebSocketInputs.ConnectUrls(), text =>
        {
            var url = CometUrlParser.Parse(text, out var error);
            if (url is null)
            {
                Assert.Contains(error, DocumentedErrors);
                return;
            }
            Assert.Null(error);
            Assert.True(url.UserId >= 0);
            Assert.InRange(url.DevId, 0, DevIds.Limit - 1);
            Assert.True(url.MajorVersion >= 0 && url.MinorVersion >= 0);
            Assert.InRange(url.Uuid.Length, 0, CometUrlParser.MaxUuidLength);
            Assert.InRange(url.Session.Length, 0, CometUrlParser.MaxSessionLength);
        }, Printable.Of);

    [Fact]
    public void A_well_formed_url_keeps_every_field() =>
        _fuzz.Run("connect url (valid)", WebSocketInputs.ValidUrls.Where(IsWellFormed), url =>
        {
            var parsed = CometUrlParser.Parse(url.ToString(), out var error);
            Assert.Null(error);
            Assert.NotNull(parsed);
            Assert.Equal(url.Session, parsed.Session);
            Assert.Equal(long.Parse(url.UserId, System.Globalization.CultureInfo.InvariantCulture), parsed.UserId);
            Assert.Equal(int.Parse(url.DevId, System.Globalization.CultureInfo.InvariantCulture), parsed.DevId);
            Assert.Equal(url.Version, $"{parsed.MajorVersion}.{parsed.MinorVersion:D2}");
            Assert.Equal(url.Uuid, parsed.Uuid);
        }, u => Printable.Of(u.ToString()));

    /// <summary>Plain fields: a session of at most 600 characters without escapes, numbers in range, a short uuid.</summary>
    private static bool IsWellFormed(WebSocketInputs.Url url) =>
        url.Session.Length <= CometUrlParser.MaxSessionLength && url.Session.All(c => char.IsAsciiLetterOrDigit(c) || c == '.')
        && url.UserId.All(char.IsAsciiDigit) && long.TryParse(url.UserId, out _)
        && url.DevId.All(char.IsAsciiDigit) && int.TryParse(url.DevId, out var devId) && devId < DevIds.Limit
        && url.Version is "4.08" or "3.32" or "10.10" && url.Uuid.Length <= CometUrlParser.MaxUuidLength && url.Uuid.All(char.IsAsciiLetterOrDigit);
}
