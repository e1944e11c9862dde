namespace Comet.Node;

internal sealed partial class PipeDeliveryDispatcher
{
    /// <summary>
    /// One round of waking the writers of big fan-outs' receivers, for every fan-out a partition queued
    /// since the previous round began: each receiver list is woken once (in slices of
    /// <see cref="WriteSlice"/> on the thread pool), and each writer sends whatever its connection has
    /// queued by then in one go. A partition runs one round at a time and reuses two of these, so a round
    /// allocates only its slices.
    /// </summary>
    private sealed class WriteRound
    {
        private readonly List<int> _slots = [];
        private readonly List<NodeClient[]> _receivers = [];
        private Action<WriteRound>? _finished;
        private int _left;

        /// <summary>The partition slots of the fan-outs this round finishes.</summary>
        public List<int> Slots => _slots;

        public bool IsEmpty => _slots.Count == 0;

        /// <summary>Adds a fan-out (its slot and receivers; a receiver list already in the round is
        /// not woken twice: a pipe's subscribers are one array until they change).</summary>
        public void Add(int slot, NodeClient[] receivers)
        {
            _slots.Add(slot);
            if (_receivers.Count == 0 || !ReferenceEquals(_receivers[^1], receivers) && !_receivers.Contains(receivers))
            {
                _receivers.Add(receivers);
            }
        }

        /// <summary>Wakes every receiver's writer; <paramref name="finished"/> runs once the last slice did.</summary>
        public void Start(Action<WriteRound> finished)
        {
            _finished = finished;
            // One for the start itself, so that the round cannot finish before every slice is queued.
            _left = 1;
            try
            {
                foreach (var receivers in _receivers)
                {
                    QueueSlices(receivers, this);
                }
            }
            finally
            {
                SliceDone();
            }
        }

        public void Clear()
        {
            _slots.Clear();
            _receivers.Clear();
            _finished = null;
        }

        /// <summary>Queues the waking of <paramref name="receivers"/>' writers to the thread pool in slices,
        /// counted in <paramref name="round"/> when there is one.</summary>
        public static void QueueSlices(NodeClient[] receivers, WriteRound? round)
        {
            for (var start = 0; start < receivers.Length; start += WriteSlice)
            {
                if (round is not null)
                {
                    Interlocked.Increment(ref round._left);
                }
                ThreadPool.UnsafeQueueUserWorkItem(new SignalSlice(receivers, start, Math.Min(start + WriteSlice, receivers.Length), round), preferLocal: false);
            }
        }

        private void SliceDone()
        {
            if (Interlocked.Decrement(ref _left) == 0)
            {
                _finished!(this);
            }
        }

        /// <summary>Wakes the writers of a slice of a round's receivers (their messages are already queued).</summary>
        private sealed class SignalSlice(NodeClient[] receivers, int start, int end, WriteRound? round) : IThreadPoolWorkItem
        {
            public void Execute()
            {
                try
                {
                    for (var i = start; i < end; i++)
                    {
                        receivers[i].Outbox.Signal();
                    }
                }
                finally
                {
                    round?.SliceDone();
                }
            }
        }
    }
}
