using System.Collections.Frozen;
using System.Globalization;

namespace Comet.CometQL.Execution;

/// <summary>
/// The @@variables and SHOW VARIABLES answers: what drivers and tools ask for on connect (MySql.Data,
/// mysql2, the mysql CLI, JDBC, PyMySQL) gets a sensible value; anything else gets CppComet's text.
/// </summary>
internal static class SystemVariables
{
    /// <summary>The values, by lowercase name without <c>@@</c> or scope.</summary>
    public static FrozenDictionary<string, string> Create(int maxAllowedPacket, long idleTimeoutSeconds) => new Dictionary<string, string>
    {
        ["version"] = ServerIdentity.Version,
        ["version_comment"] = ServerIdentity.VersionComment,
        ["max_allowed_packet"] = maxAllowedPacket.ToString(CultureInfo.InvariantCulture),
        ["auto_increment_increment"] = "1",
        ["character_set_client"] = "utf8mb4",
        ["character_set_connection"] = "utf8mb4",
        ["character_set_results"] = "utf8mb4",
        ["character_set_server"] = "utf8mb4",
        ["character_set_database"] = "utf8mb4",
        ["character_set_system"] = "utf8",
        ["collation_connection"] = "utf8mb4_general_ci",
        ["collation_server"] = "utf8mb4_general_ci",
        ["collation_database"] = "utf8mb4_general_ci",
        ["init_connect"] = "",
        ["interactive_timeout"] = idleTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
        ["wait_timeout"] = idleTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
        ["net_write_timeout"] = "60",
        ["net_read_timeout"] = "30",
        ["net_buffer_length"] = "16384",
        ["license"] = "AGPL",
        ["lower_case_table_names"] = "0",
        ["performance_schema"] = "0",
        ["query_cache_size"] = "0",
        ["query_cache_type"] = "OFF",
        ["sql_mode"] = "",
        ["system_time_zone"] = "UTC",
        ["time_zone"] = "SYSTEM",
        ["transaction_isolation"] = "READ-COMMITTED",
        ["tx_isolation"] = "READ-COMMITTED",
        ["transaction_read_only"] = "0",
        ["tx_read_only"] = "0",
        ["autocommit"] = "1",
        ["have_ssl"] = "DISABLED",
        ["have_openssl"] = "DISABLED",
        ["protocol_version"] = "10",
        ["default_authentication_plugin"] = "mysql_native_password",
        ["sql_auto_is_null"] = "0",
        ["sql_select_limit"] = "18446744073709551615",
        ["version_compile_os"] = "Linux",
        ["version_compile_machine"] = "x86_64",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The value of a variable, or CppComet's text for names it does not know.</summary>
    public static string Get(FrozenDictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var value) ? value : ServerIdentity.VersionComment;
}
