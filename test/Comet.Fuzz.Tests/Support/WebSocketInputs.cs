using System.Globalization;
using Comet.Core.Options;

namespace Comet.Fuzz.Tests.Support;

/// <summary>Connect URLs (the part after <c>/ws/</c>, spec §2.1): valid ones from their fields, and their mutations.</summary>
internal static class WebSocketInputs
{
    public static readonly string[] UrlDictionary =
        ["=", "&", "&&", "sesion=", "myid=", "devid=", "v=", "uuid=", "api=js", ".", "-", "%", "%2", "%26", "%3D", "%F0%9F%98%80", "%ZZ", "/", "?", "#", "+"];

    public sealed record Url(string Session, string UserId, string DevId, string Version, string Uuid)
    {
        public override string ToString() => $"sesion={Session}&myid={UserId}&devid={DevId}&v={Version}&uuid={Uuid}&api=js";
    }

    private static readonly Gen<string> Sessions = Gen.Frequency(
        (3, Gen.Elements("", "a1b2c3d4e5f6", "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.c2ln", "%41%42", new string('k', 600), new string('k', 700))),
        (1, Mutate.RandomText(UrlDictionary).Select(s => s.Replace("&", "", StringComparison.Ordinal))));

    public static readonly Gen<Url> ValidUrls =
        from session in Sessions
        from userId in Gen.Frequency((3, Gen.Choose(0, 1000000).Select(i => i.ToString(CultureInfo.InvariantCulture))), (1, Mutate.BoundaryNumberText()))
        from devId in Gen.Frequency((3, Gen.Choose(0, DevIds.Limit - 1).Select(i => i.ToString(CultureInfo.InvariantCulture))), (1, Mutate.BoundaryNumberText()))
        from version in Gen.Elements("4.08", "3.32", "4.", ".4", "4", "10.10", "2147483647.2147483647", "2147483648.1", "4.08beta", "")
        from uuid in Gen.Elements("", "0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef-too-long", "\u00e9\uD800")
        select new Url(session, userId, devId, version, uuid);

    public static Gen<string> ConnectUrls() => Mutate.Text(ValidUrls.Select(u => u.ToString()), UrlDictionary);
}
