using System.Text;
using Comet.Core.Names;
using Comet.WebSockets.Protocol;
using Comet.WebSockets.Session;

namespace Comet.WebSockets.Commands;

/// <summary>
/// <c>subscription\n&lt;p1&gt;\n&lt;p2&gt;…</c>: replaces the connection's whole subscription set on the
/// node. Only the difference reaches presence, so the JS client's re-sends of its full list emit no
/// track_ events; the node keeps telling the engine until it takes the change.
/// </summary>
internal static class SubscriptionCommand
{
    /// <summary>CppComet refused lists over 2176 bytes (32 names of up to 64 characters and separators).</summary>
    private const int BytesPerPipe = 68;

    /// <summary>CppComet replays this many logged messages to a new <c>trust_</c> subscriber.</summary>
    private const int TrustReplayLength = 20;

    public static async Task ExecuteAsync(ClientSession session, string args)
    {
        var options = session.Services.Options;
        if (Encoding.UTF8.GetByteCount(args) > options.MaxSubscriptions * BytesPerPipe)
        {
            session.SendError("Too many letters", code: "403");
            return;
        }
        var list = SubscriptionListParser.Parse(args, options.MaxSubscriptions);
        if (list.NameTooLong)
        {
            session.SendError("Channel name is too long");
            return;
        }
        if (list.TooMany)
        {
            session.SendError("Too many letters", code: "403");
        }

        var pipes = new List<string>(list.Pipes.Count);
        foreach (var pipe in list.Pipes)
        {
            if (await MaySubscribeAsync(session, pipe))
            {
                pipes.Add(pipe);
            }
        }

        var change = await session.Node.SetSubscriptionsAsync(session.Client, pipes);
        foreach (var pipe in change.Added)
        {
            if (PipeNames.IsAlwaysLogged(pipe))
            {
                await ReplayTrustLogAsync(session, pipe);
            }
        }
    }

    private static async Task<bool> MaySubscribeAsync(ClientSession session, string pipe)
    {
        if (pipe.StartsWith(PipeNames.PrivatePrefix, StringComparison.Ordinal) && !session.IsAuthorized)
        {
            session.SendError($"Channel {pipe}: channels like private_* need an authorised user.");
            return false;
        }
        var allowed = await session.Services.PrivateChannels.IsAllowedAsync(session, pipe);
        if (!allowed)
        {
            session.SendError($"Channel {pipe}: the backend did not allow this subscription.");
        }
        return allowed;
    }

    /// <summary>A new trust_ subscriber gets the pipe's recent log, as in CppComet.</summary>
    private static async Task ReplayTrustLogAsync(ClientSession session, string pipe)
    {
        var entries = await session.Node.Pipes.GetLogAsync(session.DevId, pipe, TrustReplayLength);
        foreach (var entry in entries)
        {
            session.Send(ServerMessages.Answer(entry.ToReplay(), session.Compat));
        }
    }
}
