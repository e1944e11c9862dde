using System.Net;

namespace Comet.Benchmarks.Target;

/// <summary>One gateway under test: where its WebSocket and CometQL ports are, and its process id
/// when this machine can read its /proc entry (null for a remote or foreign process).
/// <see cref="User"/> is the CometQL login: <c>root</c> (dev_id 0) on the gateway, a dev_id such as <c>1</c> on CppComet.</summary>
internal sealed record GatewayNode(string Name, IPEndPoint WebSocket, IPEndPoint CometQL, string Password, int? Pid, string User = "root")
{
    /// <summary>A MySql.Data connection string for <see cref="User"/>.</summary>
    public string CometQLConnectionString =>
        $"Server={CometQL.Address};Port={CometQL.Port};User Id={User};Password={Password};Database=CometQL_v1;SslMode=None;Pooling=false";
}
