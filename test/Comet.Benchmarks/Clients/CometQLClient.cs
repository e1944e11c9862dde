using MySql.Data.MySqlClient;

namespace Comet.Benchmarks.Clients;

/// <summary>
/// One backend connection over MySql.Data 8.0.16, as a PHP or .NET backend uses CometQL: one
/// statement, one round trip. Its methods block (MySql.Data's async is synchronous anyway), so
/// callers run it on a thread of its own.
/// </summary>
internal sealed class CometQLClient : IStatementSink
{
    private readonly MySqlConnection _connection;
    private readonly MySqlCommand _command;

    private CometQLClient(MySqlConnection connection)
    {
        _connection = connection;
        _command = connection.CreateCommand();
    }

    public static CometQLClient Open(string connectionString)
    {
        var connection = new MySqlConnection(connectionString);
        try
        {
            connection.Open();
            return new CometQLClient(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public void Execute(string sql)
    {
#pragma warning disable CA2100 // The benchmark builds its own statements from numbers and letters.
        _command.CommandText = sql;
#pragma warning restore CA2100
        _command.ExecuteNonQuery();
    }

    /// <summary>Runs a query and reads every row, as a backend would.</summary>
    public int Query(string sql)
    {
#pragma warning disable CA2100 // The benchmark builds its own statements from numbers and letters.
        _command.CommandText = sql;
#pragma warning restore CA2100
        using var reader = _command.ExecuteReader();
        var rows = 0;
        while (reader.Read())
        {
            rows++;
        }
        return rows;
    }

    /// <summary>Sums an integer column over every row of a query (e.g. users FROM pipes).</summary>
    public long Sum(string sql, string column)
    {
#pragma warning disable CA2100 // The benchmark builds its own statements from numbers and letters.
        _command.CommandText = sql;
#pragma warning restore CA2100
        using var reader = _command.ExecuteReader();
        long sum = 0;
        while (reader.Read())
        {
            sum += Convert.ToInt64(reader[column], System.Globalization.CultureInfo.InvariantCulture);
        }
        return sum;
    }

    public void Dispose()
    {
        _command.Dispose();
        _connection.Dispose();
    }
}

