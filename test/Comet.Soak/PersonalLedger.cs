using System.Globalization;

namespace Comet.Soak;

/// <summary>
/// The numbered personal messages of one tracked user: what the backend sent, and what the user's
/// connections (one at a time) received, in arrival order. Every number must arrive exactly once, in order.
/// </summary>
internal sealed class PersonalLedger(long userId)
{
    private readonly List<int> _received = [];
    private int _sent;

    public long UserId { get; } = userId;

    public int Sent => Volatile.Read(ref _sent);

    public int ReceivedCount
    {
        get
        {
            lock (_received)
            {
                return _received.Count;
            }
        }
    }

    /// <summary>The next number to send (one sender per user, so numbers go out in order).</summary>
    public int Next() => _sent + 1;

    public void MarkSent(int number) => Volatile.Write(ref _sent, number);

    public void Received(string data)
    {
        if (int.TryParse(data, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            lock (_received)
            {
                _received.Add(number);
            }
        }
    }

    /// <summary>(missing, duplicated, out of order) counts; all 0 when the promise held.</summary>
    public (int Missing, int Duplicated, int OutOfOrder) Check()
    {
        lock (_received)
        {
            var seen = new HashSet<int>();
            var duplicated = 0;
            var outOfOrder = 0;
            var last = 0;
            foreach (var number in _received)
            {
                if (!seen.Add(number))
                {
                    duplicated++;
                }
                else if (number < last)
                {
                    outOfOrder++;
                }
                last = Math.Max(last, number);
            }
            var missing = Enumerable.Range(1, Sent).Count(n => !seen.Contains(n));
            return (missing, duplicated, outOfOrder);
        }
    }
}
