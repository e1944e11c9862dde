using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Comet.Node;

/// <summary>
/// Does a big pipe fan-out on a dedicated thread instead of in the publisher's call: done inline, ten
/// thousand sends would queue ahead of the publisher's own reply (a backend's INSERT answered in ~1 s
/// instead of &lt;1 ms). Small fan-outs are still delivered inline: a thread hop would cost them more
/// than it saves.
/// </summary>
/// <remarks>
/// Pipes are spread over a few partitions by hash, each a bounded FIFO drained by one thread, so one
/// pipe's messages reach every subscriber in publish order. A message is delivered inline only while
/// its partition has nothing queued or in flight, which keeps that order too. A full queue makes the
/// publisher wait for room (latency instead of loss; delivering inline would overtake queued messages).
/// <para>
/// Big fan-outs are written in rounds (<see cref="WriteRound"/>): while one round wakes the writers, the
/// messages queued meanwhile wait for the next round, which wakes each receiver's writer once for all of
/// them, so they leave in one send per connection instead of one per message (fewer system calls on
/// both ends: a fast publisher gets more through at the same latency).
/// </para>
/// <para>
/// The queue is also bounded in time (<see cref="WaitForBacklogAsync"/>): a publisher that publishes
/// faster than the node can fan out would otherwise fill it and every message would arrive seconds
/// late. A fan-out counts as outstanding until the round that woke its receivers' writers finished,
/// which is when a connection that reads has it in its socket; a slow reader's writer is busy with an
/// earlier send then, so it does not hold the publisher up: its own send queue fills and it is cut as
/// before.
/// </para>
/// </remarks>
internal sealed partial class PipeDeliveryDispatcher : IDisposable
{
    /// <summary>Fan-outs up to this many receivers are delivered inline.</summary>
    internal const int InlineFanOutLimit = 32;

    /// <summary>Receivers of a big fan-out whose writing is one thread-pool work item.</summary>
    private const int WriteSlice = 64;

    [ThreadStatic]
    private static bool t_isDispatcherThread;

    private readonly Partition[] _partitions;
    private readonly long _maxLagTicks;
    private readonly ILogger _logger;
    private long _publisherWaits;
    private volatile bool _disposed;

    /// <param name="partitionCount">FIFOs (and threads) the pipes are spread over.</param>
    /// <param name="queueCapacity">Fan-outs one partition holds, queued or still being written.</param>
    /// <param name="maxLag">How old the oldest outstanding fan-out of a partition may be before
    /// <see cref="WaitForBacklogAsync"/> holds publishers back; zero never holds them.</param>
    /// <param name="logger">Where failed deliveries are logged.</param>
    public PipeDeliveryDispatcher(int partitionCount, int queueCapacity, TimeSpan maxLag, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLag, TimeSpan.Zero);
        _logger = logger;
        _maxLagTicks = (long)(maxLag.TotalSeconds * Stopwatch.Frequency);
        _partitions = new Partition[partitionCount];
        for (var i = 0; i < partitionCount; i++)
        {
            _partitions[i] = new Partition(this, i, queueCapacity);
        }
    }

    /// <summary>Messages queued or still being handed to their receivers right now.</summary>
    public long Backlog
    {
        get
        {
            long total = 0;
            foreach (var partition in _partitions)
            {
                total += partition.Outstanding;
            }
            return total;
        }
    }

    /// <summary>How often a publisher had to wait: its pipe's backlog was too old, or the queue was full.</summary>
    public long PublisherWaits => Interlocked.Read(ref _publisherWaits);

    /// <summary>Delivers the message to the receivers now or, for a big fan-out, soon (same order either way).</summary>
    public void Deliver(int devId, string pipe, NodeClient[] receivers, SharedMessage message, string? excludeConnectionId)
    {
        var delivery = new Delivery(receivers, message, excludeConnectionId);
        if (_disposed || t_isDispatcherThread)
        {
            // Stopping, or a close callback publishing from a dispatcher thread: waiting for room in
            // our own queue could deadlock, and at shutdown nobody would drain it.
            delivery.Run();
            return;
        }
        var partition = PartitionOf(devId, pipe);
        if (receivers.Length <= InlineFanOutLimit && partition.Undelivered == 0)
        {
            delivery.Run();
            return;
        }
        if (!partition.TryEnqueue(delivery))
        {
            delivery.Run();
        }
    }

    /// <summary>
    /// Completes once the partition that delivers <paramref name="pipe"/> has no outstanding fan-out
    /// older than the lag bound: a publisher awaits it after publishing, so that its next message is
    /// not sent while this node is already behind (its INSERT waits instead of messages queueing for
    /// seconds). Completed at once, without allocating, while the node keeps up.
    /// </summary>
    public ValueTask WaitForBacklogAsync(int devId, string pipe)
    {
        if (_maxLagTicks <= 0 || _disposed || t_isDispatcherThread)
        {
            return ValueTask.CompletedTask;
        }
        var partition = PartitionOf(devId, pipe);
        return partition.IsBehind(_maxLagTicks) ? partition.WaitUntilCaughtUpAsync(_maxLagTicks) : ValueTask.CompletedTask;
    }

    /// <summary>Stops the threads after they deliver what is queued (bounded wait).</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (var partition in _partitions)
        {
            partition.Stop(TimeSpan.FromSeconds(5));
        }
    }

    private Partition PartitionOf(int devId, string pipe) =>
        _partitions[(int)((uint)HashCode.Combine(devId, pipe) % (uint)_partitions.Length)];

    [LoggerMessage(Level = LogLevel.Error, Message = "Pipe delivery failed on dispatcher partition {Partition}")]
    private partial void LogDeliveryFailed(Exception exception, int partition);

    private readonly record struct Delivery(NodeClient[] Receivers, SharedMessage Message, string? ExcludeConnectionId)
    {
        public bool IsBig => Receivers.Length > InlineFanOutLimit;

        /// <summary>Delivers now: a small fan-out is written by this thread as it queues; a big one is
        /// queued here and written by the thread pool in slices, so both cores send.</summary>
        public void Run()
        {
            Enqueue();
            if (IsBig)
            {
                WriteRound.QueueSlices(Receivers, null);
            }
        }

        /// <summary>Hands the message to every receiver's queue, in order; wakes their writers only for a
        /// small fan-out (a big one is woken by a <see cref="WriteRound"/>).</summary>
        public void Enqueue()
        {
            var signal = !IsBig;
            foreach (var client in Receivers)
            {
                if (ExcludeConnectionId is null || !string.Equals(client.Id, ExcludeConnectionId, StringComparison.Ordinal))
                {
                    client.Outbox.TryEnqueue(Message, signal);
                }
            }
        }
    }
}
