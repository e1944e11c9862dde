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

    private static readonly string[] Dictionary =
        ["=", "&", "&&", "sesion=", "myid=", "devid=", "v=", "uuid=", "api=js", ".", "-", "%", "%2", "%26", "%3D", "%F0%9F%98%80", "%ZZ", "/", "?", "#", "+"];

    private readonly FuzzRunner _fuzz = new(output);

    private sealed record Url(string Session, string UserId, string DevId, string Version, string Uuid)
    {
        public override string ToString() => $"sesion={Session}&myid={UserId}&devid={DevId}&v={Version}&uuid={Uuid}&api=js";
    }

    private static readonly Gen<string> Sessions = Gen.Frequency(
        (3, Gen.Elements("", "a1b2c3d4e5f6", "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.c2ln", "%41%42", new string('k', 600), new string('k', 700))),
        (1, Mutate.RandomText(Dictionary).Select(s => s.Replace("&", "", StringComparison.Ordinal))));

    private static readonly Gen<Url> ValidUrls =
        from session in Sessions
        from userId in Gen.Frequency((3, Gen.Choose(0, 1000000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))), (1, Mutate.BoundaryNumberText()))
        from devId in Gen.Frequency((3, Gen.Choose(0, DevIds.Limit - 1).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))), (1, Mutate.BoundaryNumberText()))
        from version in Gen.Elements("4.08", "3.32", "4.", ".4", "4", "10.10", "2147483647.2147483647", "2147483648.1", "4.08beta", "")
        from uuid in Gen.Elements("", "0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef-too-long", "\u00e9\uD800")
        select new Url(session, userId, devId, version, uuid);

    [Fact]
    public void A_url_parses_to_bounded_fields_or_gets_a_documented_error() =>
        _fuzz.Run("connect url", Mutate.Text(ValidUrls.Select(u => u.ToString()), Dictionary), text =>
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
        _fuzz.Run("connect url (valid)", ValidUrls.Where(IsWellFormed), url =>
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
    private static bool IsWellFormed(Url url) =>
        url.Session.Length <= CometUrlParser.MaxSessionLength && url.Session.All(c => char.IsAsciiLetterOrDigit(c) || c == '.')
        && url.UserId.All(char.IsAsciiDigit) && long.TryParse(url.UserId, out _)
        && url.DevId.All(char.IsAsciiDigit) && int.TryParse(url.DevId, out var devId) && devId < DevIds.Limit
        && url.Version is "4.08" or "3.32" or "10.10" && url.Uuid.Length <= CometUrlParser.MaxUuidLength && url.Uuid.All(char.IsAsciiLetterOrDigit);
}
