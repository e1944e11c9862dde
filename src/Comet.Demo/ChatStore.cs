namespace Comet.Demo;

/// <summary>One personal message of the demo.</summary>
public sealed record ChatMessage(long Id, long From, long To, string Text, long Time, bool Read);

/// <summary>
/// The demo's conversations, in memory (Star.Comet-Chat keeps them in MySQL): the last
/// <see cref="MaxPerConversation"/> messages of each pair of users, and which are unread.
/// </summary>
public sealed class ChatStore(TimeProvider time)
{
    public const int MaxPerConversation = 200;

    private readonly Dictionary<(long, long), List<ChatMessage>> _conversations = [];
    private readonly Lock _lock = new();
    private long _nextId;

    public ChatMessage Add(long from, long to, string text)
    {
        lock (_lock)
        {
            var message = new ChatMessage(++_nextId, from, to, text, time.GetUtcNow().ToUnixTimeMilliseconds(), Read: false);
            var list = Conversation(from, to);
            list.Add(message);
            if (list.Count > MaxPerConversation)
            {
                list.RemoveAt(0);
            }
            return message;
        }
    }

    /// <summary>The messages between the two users, oldest first.</summary>
    public IReadOnlyList<ChatMessage> Between(long user, long other)
    {
        lock (_lock)
        {
            return [.. Conversation(user, other)];
        }
    }

    /// <summary>Marks what <paramref name="from"/> sent to <paramref name="reader"/> as read; returns the newest id marked, or null.</summary>
    public long? MarkRead(long reader, long from)
    {
        lock (_lock)
        {
            var list = Conversation(reader, from);
            long? newest = null;
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i].To == reader && !list[i].Read)
                {
                    list[i] = list[i] with { Read = true };
                    newest = list[i].Id;
                }
            }
            return newest;
        }
    }

    /// <summary>How many unread messages <paramref name="reader"/> has from <paramref name="from"/>.</summary>
    public int Unread(long reader, long from)
    {
        lock (_lock)
        {
            return Conversation(reader, from).Count(m => m.To == reader && !m.Read);
        }
    }

    private List<ChatMessage> Conversation(long a, long b)
    {
        var key = a < b ? (a, b) : (b, a);
        if (!_conversations.TryGetValue(key, out var list))
        {
            list = [];
            _conversations[key] = list;
        }
        return list;
    }
}
