namespace Comet.CometQL.Tests.Integration;

/// <summary>The real mysql CLI (mariadb-client), as the CometQL documentation uses it (seed 004).</summary>
[Collection(GatewayCollection.Name)]
public sealed class MysqlCliTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Connects_and_answers_the_version_comment()
    {
        var output = await MysqlCli.QueryAsync(fixture.Gateway, "select @@version_comment limit 1");
        Assert.Contains("CppComet community 4.09", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_documentation_examples_run_as_written()
    {
        var output = await MysqlCli.QueryAsync(fixture.Gateway, """
            select id, time from users_time where id = 2;
            INSERT INTO pipes_messages (name, event, message)VALUES("pipe_name", "event_in_pipe", "text message");
            insert into pipes_settings (name, length) values ('p10', 10);
            insert into pipes_messages (name, event, message)values("p10", "event_in_pipe", "text message");
            select * from pipes_messages where name = "p10";
            select * from pipes where name in( "web_admins", "web_php_chat");
            select * from users_in_pipes where name = "web_admins";
            select * from pipes_settings where name = 'p10';
            INSERT INTO users_auth (id, hash )VALUES (1, 'auth_hash1');
            insert into users_messages (id, event, message)values (2, 'event', 'message');
            select * from users_messages where id = 2;
            delete from users_messages where id = 2;
            select * from users_time where id in( 2, 3, 145);
            insert into users_auth (id, hash )values (12, 'hash1');
            select * from users_auth where id in(2, 3, 12);
            delete from users_auth where id = 12;
            delete from pipes_messages where name = 'p10';
            delete from pipes_settings where name = 'p10';
            """, user: "201");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id\ttime", lines[0]);
        Assert.Equal("2\t-1", lines[1]);
        Assert.Contains(lines, l => l.StartsWith("id\ttime\tname\tindex\tevent\tmessage\tuser_id", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("\tp10\t0\tevent_in_pipe\ttext message\t0", StringComparison.Ordinal));
        Assert.Contains("web_admins\t0", lines);
        Assert.Contains("web_php_chat\t0", lines);
        Assert.Contains("p10\t10", lines);
        Assert.Contains(lines, l => l.StartsWith("2\t", StringComparison.Ordinal) && l.EndsWith("\tevent\tmessage", StringComparison.Ordinal));
        Assert.Contains("145\t-1", lines);
        Assert.Contains("12\thash1", lines);
    }

    [Theory]
    [InlineData("sel", "ERROR 17 (42000) at line 1: Data is too short")]
    [InlineData("select * from nope where id = 1", "ERROR 15 (42S02) at line 1: Table doesn't exist")]
    [InlineData("selekt 1", "ERROR 3 (42000) at line 1: Syntax error in query")]
    [InlineData("insert into users_time (id, time) values (1, 2)", "ERROR 10 (HY000) at line 1: Table `users_time` is read only")]
    [InlineData("select * from users_auth where id = 1 or id = 2", "ERROR 2 (42000) at line 1: Operator OR is not yet implemented")]
    public async Task Errors_are_printed_with_the_CppComet_code_and_text(string sql, string expected)
    {
        var result = await MysqlCli.RunAsync(fixture.Gateway, sql);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(expected, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_an_error_the_session_goes_on_with_force()
    {
        var result = await MysqlCli.RunBatchAsync(fixture.Gateway, "select * from nope where id = 1;\nselect id, time from users_time where id = 9;\n", "--force");
        Assert.Contains("ERROR 15", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("9\t-1", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_in_with_a_numeric_dev_id_and_db_name_and_refuses_a_wrong_key()
    {
        Assert.Contains("CometQL_v1", await MysqlCli.QueryAsync(fixture.Gateway, "SELECT DATABASE()", user: "15"), StringComparison.Ordinal);
        var wrong = await MysqlCli.RunAsync(fixture.Gateway, "select 1", password: "nope");
        Assert.Contains("ERROR 16", wrong.StandardError, StringComparison.Ordinal);
        Assert.Contains("Authentication failure", wrong.StandardError, StringComparison.Ordinal);
        var badDb = await MysqlCli.RunAsync(fixture.Gateway, "select 1", database: "other");
        Assert.Contains("ERROR 15", badDb.StandardError, StringComparison.Ordinal);
        Assert.Contains("Select database failure", badDb.StandardError, StringComparison.Ordinal);
        var badUser = await MysqlCli.RunAsync(fixture.Gateway, "select 1", user: "admin");
        Assert.Contains("ERROR 16", badUser.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_database_and_with_use()
    {
        var output = await MysqlCli.RunAsync(fixture.Gateway, "SELECT DATABASE(); use CometQL_v1; SELECT DATABASE(); show databases; show tables;", database: null);
        Assert.True(output.ExitCode == 0, output.ToString());
        Assert.Contains("CometQL_v1", output.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("revoked_tokens", output.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Interactive_table_completion_and_status_work()
    {
        // Without -A the CLI reads table and column names (SHOW TABLES, COM_FIELD_LIST) for completion.
        var result = await MysqlCli.RunAsync(fixture.Gateway, "status", extra: ["--auto-rehash", "-t"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("5.7.99-Comet.Gateway", result.StandardOutput, StringComparison.Ordinal);
    }
}
