using System.Net;

namespace Comet.Benchmarks.Target;

/// <summary>One gateway under test: where its WebSocket and CometQL ports are, and its process id
/// when this machine can read its /proc entry (null for a remote or foreign process).</summary>
internal sealed record GatewayNode(string Name, IPEndPoint WebSocket, IPEndPoint CometQL, string Password, int? Pid)
{
    /// <summary>A MySql.Data connection string for dev_id 0 (user root).</summary>
    public string CometQLConnectionString =>
        $"Server={CometQL.Address};Port={CometQL.Port};User Id=root;Password={Password};Database=CometQL_v1;SslMode=None;Pooling=false";
}
