using System.Net;
using Comet.Benchmarks.Target;
using MySql.Data.MySqlClient;

namespace Comet.Benchmarks.Clients;

/// <summary>A backend connection that runs one CometQL statement and waits for its answer.</summary>
internal interface IStatementSink : IDisposable
{
    /// <summary>Runs the statement; a CometQL error throws <see cref="CometQLErrorException"/> or MySqlException.</summary>
    void Execute(string sql);

    /// <summary><c>mysqldata</c> (MySql.Data 8.0.16, what .NET backends use) or <c>raw</c> (the hand-written client).</summary>
    static IStatementSink Open(string kind, GatewayNode node) => kind switch
    {
        "mysqldata" => CometQLClient.Open(node.CometQLConnectionString),
        "raw" => RawCometQLClient.Open(node.CometQL, node.User, node.Password, "CometQL_v1"),
        _ => throw new ArgumentException($"A CometQL client is mysqldata or raw, not '{kind}'."),
    };

    static bool IsStatementError(Exception e) => e is MySqlException or CometQLErrorException;
}

/// <summary>The server answered a statement with an ERR packet.</summary>
internal sealed class CometQLErrorException(string message) : Exception(message);
