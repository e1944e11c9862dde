using System.Globalization;
using Comet.WebSockets.Session;

namespace Comet.WebSockets.Commands;

/// <summary>
/// <c>ack\n&lt;seq&gt;</c> (ours, not CppComet's): a client that acknowledges (it connected with <c>ack=</c>)
/// processed every personal message of its user up to seq, cumulatively. The resend window may then drop
/// them once no other such connection of the user needs them. Nothing answers success; a seq that is
/// not higher than the last one taken changes nothing and costs no storage round trip.
/// </summary>
internal static class AckCommand
{
    public const string Name = "ack";

    /// <summary>A seq fits in 15 digits (below 2^53, what a JS number holds exactly).</summary>
    private const int MaxDigits = 15;

    public static async Task ExecuteAsync(ClientSession session, string args)
    {
        if (session.Info.ResumeAfter is null)
        {
            session.SendError("ack: this connection does not acknowledge personal messages (connect with ack=<seq> in the URL, as an authorised v4 client).");
            return;
        }
        var text = args.Trim();
        if (text.Length is 0 or > MaxDigits || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            session.SendError("ack: the argument must be the highest seq processed, a non-negative integer.");
            return;
        }
        if (seq <= session.Acknowledged)
        {
            return;
        }
        if (!await session.Node.AcknowledgeAsync(session.Client, seq))
        {
            session.SendError($"ack: seq {seq} is beyond the user's latest personal message.");
            return;
        }
        session.Acknowledged = seq;
    }
}
