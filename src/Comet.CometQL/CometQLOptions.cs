using System.ComponentModel.DataAnnotations;

namespace Comet.CometQL;

/// <summary>The <c>Comet:CometQL</c> section: where the MySQL-protocol API listens and its limits.</summary>
public sealed class CometQLOptions
{
    public const string SectionName = "Comet:CometQL";

    /// <summary>The address to listen on (<c>0.0.0.0</c> or <c>::</c> for all).</summary>
    [Required]
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The TCP port (0 picks a free one; tests use that).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 3307;

    /// <summary>The largest packet payload a client may send; larger ones get an error and the connection closes.</summary>
    [Range(1024, 16 * 1024 * 1024 - 2)]
    public int MaxPacketSize { get; set; } = 1024 * 1024;

    /// <summary>Queries of this many bytes or more get error 11 <c>Data is too long</c> (CppComet: 9000).</summary>
    [Range(16, 16 * 1024 * 1024)]
    public int MaxQueryLength { get; set; } = 9000;

    /// <summary>Prepared statements one connection may hold at once.</summary>
    [Range(1, 10_000)]
    public int MaxPreparedStatements { get; set; } = 64;

    /// <summary>The authentication plugin the greeting names: <c>mysql_native_password</c> or
    /// <c>caching_sha2_password</c>. Both are accepted either way.</summary>
    [Required]
    [RegularExpression("^(mysql_native_password|caching_sha2_password)$",
        ErrorMessage = "Comet:CometQL:AuthPlugin must be mysql_native_password or caching_sha2_password.")]
    public string AuthPlugin { get; set; } = "mysql_native_password";

    /// <summary>True: integer columns (ids, unix times, counts, lengths) are declared BIGINT, as MySQL
    /// declares them, so typed readers work (MySqlConnector's GetInt64, Dapper) and drivers that map
    /// types return numbers (PDO in PHP 8.1+, node mysql2, prepared statements). False: every column is
    /// VAR_STRING as in CppComet, for a backend that compares such values as strings (docs/compatibility.md).</summary>
    public bool TypedIntegerColumns { get; set; } = true;

    /// <summary>Open CometQL connections this node accepts; beyond it a client gets "Too many connections".
    /// Backends hold a few pooled connections each (MySQL's own default is 151). Each open one takes a file
    /// descriptor from the pool WebSocket connections share (Comet.Core DescriptorPool), and gets the same
    /// error when that pool is empty; descriptors it does not hold stay free for WebSockets.</summary>
    [Range(1, 1_000_000)]
    public int MaxConnections { get; set; } = 1_000;

    /// <summary>How long a client may take to log in before the connection is closed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A logged-in connection that sends no command for this long is closed (MySQL's wait_timeout: 8 hours).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Open connections one client address may hold; beyond it the client gets error 1203.
    /// Behind a TCP load balancer every client has the balancer's address: raise it there.</summary>
    [Range(1, 1_000_000)]
    public int MaxConnectionsPerAddress { get; set; } = 1000;

    /// <summary>Failed logins one address may make within <see cref="FailedLoginWindow"/>; then its
    /// connections are refused with error 1129 until the window has passed since the last failure.</summary>
    [Range(1, 1_000_000)]
    public int MaxFailedLoginsPerAddress { get; set; } = 20;

    /// <summary>The window of <see cref="MaxFailedLoginsPerAddress"/>, and how long an address stays blocked.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan FailedLoginWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Addresses whose failed logins are remembered at once (bounds the table's memory).</summary>
    [Range(16, 10_000_000)]
    public int MaxTrackedAddresses { get; set; } = 100_000;

    /// <summary>Refuse logins that did not upgrade to TLS (error 3159). Needs a certificate in <c>Comet:Tls</c>.</summary>
    public bool RequireTls { get; set; }
}
