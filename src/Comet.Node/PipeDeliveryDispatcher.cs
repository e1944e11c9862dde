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
    private readonly ILogger _logger;
    private long _publisherWaits;
    private volatile bool _disposed;

    public PipeDeliveryDispatcher(int partitionCount, int queueCapacity, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 1);
        _logger = logger;
        _partitions = new Partition[partitionCount];
        for (var i = 0; i < partitionCount; i++)
        {
            _partitions[i] = new Partition(this, i, queueCapacity);
        }
    }

    /// <summary>Messages queued or being delivered right now.</summary>
    public long Backlog
    {
        get
        {
            long total = 0;
            foreach (var partition in _partitions)
            {
                total += partition.Pending;
            }
            return total;
        }
    }

    /// <summary>How often a publisher had to wait because a delivery queue was full.</summary>
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
        var partition = _partitions[(int)((uint)HashCode.Combine(devId, pipe) % (uint)_partitions.Length)];
        if (receivers.Length <= InlineFanOutLimit && partition.Pending == 0)
        {
            delivery.Run();
            return;
        }
        if (!partition.TryEnqueue(delivery))
        {
            delivery.Run();
        }
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Pipe delivery failed on dispatcher partition {Partition}")]
    private partial void LogDeliveryFailed(Exception exception, int partition);

    private readonly record struct Delivery(NodeClient[] Receivers, SharedMessage Message, string? ExcludeConnectionId)
    {
        public void Run()
        {
            // A small fan-out is written by this thread as it queues. A big one is queued here, in
            // order, and written by the thread pool in slices, so both cores send and this thread is
            // free for the next message (which a still-busy writer then sends in the same write).
            var inline = Receivers.Length <= InlineFanOutLimit;
            foreach (var client in Receivers)
            {
                if (ExcludeConnectionId is null || !string.Equals(client.Id, ExcludeConnectionId, StringComparison.Ordinal))
                {
                    client.Outbox.TryEnqueue(Message, signal: inline);
                }
            }
            if (inline)
            {
                return;
            }
            for (var start = 0; start < Receivers.Length; start += WriteSlice)
            {
                ThreadPool.UnsafeQueueUserWorkItem(new SignalSlice(Receivers, start, Math.Min(start + WriteSlice, Receivers.Length)), preferLocal: false);
            }
        }
    }

    /// <summary>Wakes the writers of a slice of a big fan-out's receivers (their messages are already queued).</summary>
    private sealed class SignalSlice(NodeClient[] receivers, int start, int end) : IThreadPoolWorkItem
    {
        public void Execute()
        {
            for (var i = start; i < end; i++)
            {
                receivers[i].Outbox.Signal();
            }
        }
    }

    /// <summary>One bounded ring of deliveries and the thread that drains it (started on first use).</summary>
    private sealed class Partition(PipeDeliveryDispatcher owner, int index, int capacity)
    {
        // Monitor.Wait/Pulse need a plain object (System.Threading.Lock has no condition variable).
        private readonly object _gate = new();
        private readonly Delivery[] _ring = new Delivery[capacity];
        private int _head;
        private int _count;
        private int _pending;
        private bool _stopping;
        private Thread? _thread;

        /// <summary>Queued plus in delivery; zero means everything handed in earlier has been delivered.</summary>
        public int Pending => Volatile.Read(ref _pending);

        public bool TryEnqueue(Delivery delivery)
        {
            lock (_gate)
            {
                if (_count == _ring.Length && !_stopping)
                {
                    Interlocked.Increment(ref owner._publisherWaits);
                    while (_count == _ring.Length && !_stopping)
                    {
                        Monitor.Wait(_gate);
                    }
                }
                if (_stopping)
                {
                    return false;
                }
                _thread ??= Start();
                _ring[(_head + _count) % _ring.Length] = delivery;
                _count++;
                Interlocked.Increment(ref _pending);
                if (_count == 1)
                {
                    Monitor.PulseAll(_gate);
                }
                return true;
            }
        }

        public void Stop(TimeSpan wait)
        {
            Thread? thread;
            lock (_gate)
            {
                _stopping = true;
                thread = _thread;
                Monitor.PulseAll(_gate);
            }
            thread?.Join(wait);
        }

        private Thread Start()
        {
            var thread = new Thread(Run)
            {
                IsBackground = true,
                Name = $"comet-pipe-delivery-{index}",
            };
            thread.Start();
            return thread;
        }

        private void Run()
        {
            t_isDispatcherThread = true;
            while (true)
            {
                Delivery delivery;
                lock (_gate)
                {
                    while (_count == 0)
                    {
                        if (_stopping)
                        {
                            return;
                        }
                        Monitor.Wait(_gate);
                    }
                    delivery = _ring[_head];
                    _ring[_head] = default;
                    _head = (_head + 1) % _ring.Length;
                    if (_count-- == _ring.Length)
                    {
                        Monitor.PulseAll(_gate);
                    }
                }
                try
                {
                    delivery.Run();
                }
                catch (Exception ex)
                {
                    owner.LogDeliveryFailed(ex, index);
                }
                finally
                {
                    Interlocked.Decrement(ref _pending);
                }
            }
        }
    }
}
