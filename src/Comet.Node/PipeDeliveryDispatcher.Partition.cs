using System.Diagnostics;

namespace Comet.Node;

internal sealed partial class PipeDeliveryDispatcher
{
    /// <summary>
    /// One bounded ring of fan-outs and the thread that drains it (started on first use). A fan-out
    /// keeps its slot from the publisher's call until every receiver's writer was woken for it, so the
    /// ring knows how old its oldest unfinished message is: that age, not the count, is what holds
    /// publishers back.
    /// </summary>
    private sealed class Partition(PipeDeliveryDispatcher owner, int index, int capacity)
    {
        // Monitor.Wait/Pulse need a plain object (System.Threading.Lock has no condition variable).
        private readonly object _gate = new();
        private readonly Delivery[] _ring = new Delivery[capacity];
        private readonly long[] _queuedAt = new long[capacity];
        private readonly bool[] _done = new bool[capacity];

        // Slots [_head, _head + _started) are running or waiting for their slices; the rest of
        // [_head, _head + _count) wait for the thread.
        private int _head;
        private int _count;
        private int _started;
        private int _undelivered;
        private long _oldest;
        private bool _stopping;
        private Thread? _thread;
        private TaskCompletionSource? _caughtUp;

        /// <summary>Queued plus being queued to receivers; zero means everything handed in earlier is in
        /// its receivers' send queues (a small fan-out may then go inline without overtaking it).</summary>
        public int Undelivered => Volatile.Read(ref _undelivered);

        /// <summary>Fan-outs not finished: queued, running, or with writers still to wake.</summary>
        public int Outstanding => Volatile.Read(ref _count);

        /// <summary>True when the oldest unfinished fan-out was queued more than <paramref name="maxLagTicks"/> ago.</summary>
        public bool IsBehind(long maxLagTicks)
        {
            var oldest = Volatile.Read(ref _oldest);
            return oldest != 0 && Stopwatch.GetTimestamp() - oldest > maxLagTicks;
        }

        /// <summary>Completes when the oldest unfinished fan-out is at most <paramref name="maxLagTicks"/> old (or none is left).</summary>
        public ValueTask WaitUntilCaughtUpAsync(long maxLagTicks)
        {
            lock (_gate)
            {
                if (_stopping || _count == 0 || Stopwatch.GetTimestamp() - _queuedAt[_head] <= maxLagTicks)
                {
                    return ValueTask.CompletedTask;
                }
                Interlocked.Increment(ref owner._publisherWaits);
                // Continuations off the slice thread that releases them: a publisher's next statement
                // may itself wait for room in this partition.
                _caughtUp ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return new ValueTask(_caughtUp.Task);
            }
        }

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
                var slot = (_head + _count) % _ring.Length;
                _ring[slot] = delivery;
                _queuedAt[slot] = Stopwatch.GetTimestamp();
                if (_count == 0)
                {
                    Volatile.Write(ref _oldest, _queuedAt[slot]);
                }
                _count++;
                Interlocked.Increment(ref _undelivered);
                if (_count - _started == 1)
                {
                    Monitor.PulseAll(_gate);
                }
                return true;
            }
        }

        /// <summary>The fan-out in <paramref name="slot"/> finished: frees the slots up to the oldest
        /// unfinished one and releases waiting publishers once that one is young enough.</summary>
        public void Complete(int slot)
        {
            TaskCompletionSource? release = null;
            lock (_gate)
            {
                _done[slot] = true;
                var wasFull = _count == _ring.Length;
                while (_started > 0 && _done[_head])
                {
                    _done[_head] = false;
                    _head = (_head + 1) % _ring.Length;
                    _count--;
                    _started--;
                }
                var oldest = _count == 0 ? 0 : _queuedAt[_head];
                Volatile.Write(ref _oldest, oldest);
                if (wasFull && _count < _ring.Length)
                {
                    Monitor.PulseAll(_gate);
                }
                if (_caughtUp is not null && (oldest == 0 || Stopwatch.GetTimestamp() - oldest <= owner._maxLagTicks))
                {
                    release = _caughtUp;
                    _caughtUp = null;
                }
            }
            release?.TrySetResult();
        }

        public void Stop(TimeSpan wait)
        {
            Thread? thread;
            TaskCompletionSource? release;
            lock (_gate)
            {
                _stopping = true;
                thread = _thread;
                release = _caughtUp;
                _caughtUp = null;
                Monitor.PulseAll(_gate);
            }
            release?.TrySetResult();
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
                int slot;
                lock (_gate)
                {
                    while (_started == _count)
                    {
                        if (_stopping)
                        {
                            return;
                        }
                        Monitor.Wait(_gate);
                    }
                    slot = (_head + _started) % _ring.Length;
                    delivery = _ring[slot];
                    _ring[slot] = default;
                    _started++;
                }
                var done = new Completion(this, slot);
                try
                {
                    delivery.Run(done);
                }
                catch (Exception ex)
                {
                    owner.LogDeliveryFailed(ex, index);
                }
                finally
                {
                    Interlocked.Decrement(ref _undelivered);
                    done.Done();
                }
            }
        }
    }
}
