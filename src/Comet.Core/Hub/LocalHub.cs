using Comet.Core.Engine;
using Comet.Core.Messages;

namespace Comet.Core.Hub;

// PLACEHOLDER: the WebSocket work replaces this with the real hub of local connections.
public sealed class LocalHub : ILocalDelivery
{
    public void DeliverToPipe(int devId, CometMessage message)
    {
    }

    public int DeliverToUser(int devId, long userId, CometMessage message) => 0;

    public void CloseUser(int devId, long userId, string? credential)
    {
    }
}
