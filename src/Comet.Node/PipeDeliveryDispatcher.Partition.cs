using System.Diagnostics;

namespace Comet.Node;

internal sealed partial class PipeDeliveryDispatcher
{
    /// <summary>
    /// One bounded ring of fan-outs and the thread that drains it (started on first use). A fan-out
    /// keeps its slot from the publisher's call until every receiver's writer was woken for it (for a
    /// big one, until its write round finished), so the ring knows how old its oldest unfinished message
    /// is: that age, not the count, is what holds publishers back.
    /// </summary>
    private sealed class Partition(PipeDeliveryDispatcher owner, int index, int capacity)
    {
        // Monitor.Wait/Pulse need a plain object (System.Threading.Lock has no condition variable).
        private readonly object _gate = new();
        private readonly Delivery[] _ring = new Delivery[capacity];
        private readonly long[] _queuedAt = new long[capacity];
        private readonly bool[] _done = new bool[capacity];

        // Slots [_head, _head + _started) are being queued to their receivers or wait for their write
        // round (some may be done while an older one is not); the rest of [_head, _head + _count) wait
        // for the thread.
        private int _head;
        private int _count;
        private int _started;
        private int _undelivered;
        private long _oldest;
        private bool _stopping;
        private Thread? _thread;
        private TaskCompletionSource? _caughtUp;

        // One write round runs at a time; the next collects what is queued meanwhile. Two rounds are
        // reused: the spare is whichever of them is neither running nor collecting.
        private WriteRound _nextRound = new();
        private WriteRound? _spareRound = new();
        private WriteRound? _runningRound;
        private Action<WriteRound>? _roundFinished;

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
            var deadline = Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);
            thread?.Join(wait);
            // The thread queued everything to the receivers; their last write round may still be
            // waking writers on the thread pool: wait for it too, within the same bound.
            lock (_gate)
            {
                while (_count > 0)
                {
                    var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                    if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left))
                    {
                        return;
                    }
                }
            }
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
                var queued = false;
                try
                {
                    delivery.Enqueue();
                    queued = true;
                }
                catch (Exception ex)
                {
                    owner.LogDeliveryFailed(ex, index);
                }
                finally
                {
                    Interlocked.Decrement(ref _undelivered);
                }
                if (queued && delivery.IsBig)
                {
                    JoinRound(slot, delivery.Receivers);
                }
                else
                {
                    Finish(slot);
                }
            }
        }

        /// <summary>Adds a big fan-out to the next write round, and starts that round unless one runs.</summary>
        private void JoinRound(int slot, NodeClient[] receivers)
        {
            WriteRound? start = null;
            lock (_gate)
            {
                _nextRound.Add(slot, receivers);
                if (_runningRound is null)
                {
                    start = _runningRound = _nextRound;
                    _nextRound = _spareRound!;
                    _spareRound = null;
                }
            }
            StartRound(start);
        }

        private void StartRound(WriteRound? round)
        {
            try
            {
                round?.Start(_roundFinished ??= RoundFinished);
            }
            catch (Exception ex)
            {
                // Not expected (queueing to the thread pool); the round's own count still finishes it.
                owner.LogDeliveryFailed(ex, index);
            }
        }

        /// <summary>A round finished: its fan-outs are done, and the fan-outs queued meanwhile start the next.</summary>
        private void RoundFinished(WriteRound round)
        {
            WriteRound? start = null;
            TaskCompletionSource? release;
            lock (_gate)
            {
                foreach (var slot in round.Slots)
                {
                    _done[slot] = true;
                }
                round.Clear();
                if (_nextRound.IsEmpty)
                {
                    _runningRound = null;
                    _spareRound = round;
                }
                else
                {
                    start = _runningRound = _nextRound;
                    _nextRound = round;
                }
                release = AdvanceLocked();
            }
            release?.TrySetResult();
            StartRound(start);
        }

        /// <summary>A fan-out that needed no round (small, or failed) is done.</summary>
        private void Finish(int slot)
        {
            TaskCompletionSource? release;
            lock (_gate)
            {
                _done[slot] = true;
                release = AdvanceLocked();
            }
            release?.TrySetResult();
        }

        /// <summary>Frees the slots up to the oldest unfinished fan-out; returns the waiting publishers'
        /// signal when that one is young enough (set it outside the lock). Call under the lock.</summary>
        private TaskCompletionSource? AdvanceLocked()
        {
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
            if ((wasFull && _count < _ring.Length) || (_stopping && _count == 0))
            {
                Monitor.PulseAll(_gate);
            }
            if (_caughtUp is null || (oldest != 0 && Stopwatch.GetTimestamp() - oldest > owner._maxLagTicks))
            {
                return null;
            }
            var release = _caughtUp;
            _caughtUp = null;
            return release;
        }
    }
}
