using Comet.WebSockets.Session;

namespace Comet.WebSockets.Commands;

/// <summary><c>CometQL_call\n&lt;marker&gt;\n&lt;jwt&gt;</c>: CppComet validates the token and does nothing else; so do we.</summary>
internal static class CometQLCallCommand
{
    public static async Task ExecuteAsync(ClientSession session, string args)
    {
        var rest = args;
        _ = CommandArguments.NextLine(ref rest);
        var token = CommandArguments.NextLine(ref rest).Trim();
        if (token.Length > 0)
        {
            _ = await session.Services.Jwt.ValidateAsync(session.DevId, token);
        }
    }
}
