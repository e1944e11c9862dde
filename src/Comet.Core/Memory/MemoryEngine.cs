using Comet.Core.Engine;

namespace Comet.Core.Memory;

// PLACEHOLDER: the memory-engine work replaces this.
public sealed class MemoryEngine : ICometEngine
{
    public IUserStore Users => throw new NotImplementedException();
    public IPipeStore Pipes => throw new NotImplementedException();
    public IMessageBus Bus => throw new NotImplementedException();
    public IPresence Presence => throw new NotImplementedException();
    public bool IsReady => true;
    public Task StartAsync(ILocalDelivery delivery, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
