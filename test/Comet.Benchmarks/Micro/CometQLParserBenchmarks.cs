using System.Reflection;
using BenchmarkDotNet.Attributes;
using Comet.CometQL;

namespace Comet.Benchmarks.Micro;

/// <summary>
/// Parsing the statements backends send most. The parser is internal to Comet.CometQL, so it is
/// reached once through reflection and then called through a plain delegate (no per-call reflection).
/// </summary>
public class CometQLParserBenchmarks
{
    private static readonly Func<string, object> Parse = CreateParse();

    private readonly string _insertPipe =
        "INSERT INTO pipes_messages (name, event, message) VALUES ('web_chat', 'e', '" + new string('x', 100) + "')";

    private readonly string _insertPersonal =
        "INSERT INTO users_messages (id, event, message) VALUES (12345, 'newMessage', '{\\\"text\\\":\\\"" + new string('y', 80) + "\\\"}')";

    private readonly string _selectUsersTime =
        "SELECT id, time FROM users_time WHERE id IN (" + string.Join(", ", Enumerable.Range(1, 100)) + ")";

    [Benchmark(Baseline = true)]
    public object InsertPipesMessages() => Parse(_insertPipe);

    [Benchmark]
    public object InsertUsersMessagesEscaped() => Parse(_insertPersonal);

    [Benchmark]
    public object SelectUsersTime100Ids() => Parse(_selectUsersTime);

    private static Func<string, object> CreateParse()
    {
        var parser = typeof(CometQLConnectionHandler).Assembly.GetType("Comet.CometQL.Parsing.Parser")
            ?? throw new InvalidOperationException("Comet.CometQL.Parsing.Parser is gone; update this benchmark.");
        var method = parser.GetMethod("ParseScript", BindingFlags.Public | BindingFlags.Static, [typeof(string)])
            ?? throw new InvalidOperationException("Parser.ParseScript(string) is gone; update this benchmark.");
        return method.CreateDelegate<Func<string, object>>();
    }
}
