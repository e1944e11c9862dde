using Comet.CometQL.Parsing;

namespace Comet.CometQL.Tests.Unit;

public sealed class ParserTests
{
    private static Statement Single(string query)
    {
        var statements = Parser.ParseScript(query);
        Assert.Single(statements);
        return statements[0];
    }

    private static CometQLError Error(string query) => Assert.Throws<CometQLException>(() => Parser.ParseScript(query)).Error;

    [Fact]
    public void Select_with_columns_where_in_and_limit()
    {
        var select = Assert.IsType<SelectStatement>(Single("select id, `time` from users_time where id in (2, 3, '145') limit 1, 2"));
        Assert.Equal("users_time", select.Table);
        Assert.Equal(["id", "time"], select.Columns);
        var condition = Assert.Single(select.Where!.Conditions);
        Assert.Equal("id", condition.Column);
        Assert.Equal(["2", "3", "145"], condition.Values.Select(v => v.Text));
        // MySQL order: LIMIT offset, count (CppComet swapped them).
        Assert.Equal(new LimitClause(1, 2), select.Limit);
    }

    [Fact]
    public void Select_star_and_keywords_in_any_case()
    {
        var select = Assert.IsType<SelectStatement>(Single("SeLeCt * FrOm pipes WHERE name = \"web_admins\""));
        Assert.Null(select.Columns);
        Assert.Equal("web_admins", select.Where!.Conditions[0].Values[0].Text);
    }

    [Fact]
    public void Insert_with_and_without_columns_and_several_rows()
    {
        var insert = Assert.IsType<InsertStatement>(Single("INSERT INTO users_auth (id, hash)VALUES (1, 'a'), (2, 'b');"));
        Assert.Equal(["id", "hash"], insert.Columns);
        Assert.Equal(2, insert.Rows.Count);
        Assert.Equal("b", insert.Rows[1][1].Text);
        var bare = Assert.IsType<InsertStatement>(Single("insert into users_data values (5, NULL)"));
        Assert.Null(bare.Columns);
        Assert.True(bare.Rows[0][1].IsNull);
    }

    [Fact]
    public void Delete_set_show_describe_use()
    {
        Assert.IsType<DeleteStatement>(Single("delete from users_auth where id = 12"));
        Assert.IsType<NoEffectStatement>(Single("SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci"));
        Assert.IsType<NoEffectStatement>(Single("set autocommit=1"));
        Assert.IsType<NoEffectStatement>(Single("SET @@session.sql_mode = 'x'"));
        Assert.Equal(ShowKind.Columns, Assert.IsType<ShowStatement>(Single("describe users_auth")).Kind);
        Assert.Equal(ShowKind.Columns, Assert.IsType<ShowStatement>(Single("SHOW FULL COLUMNS FROM `pipes`")).Kind);
        Assert.Equal("%max%", Assert.IsType<ShowStatement>(Single("show variables like '%max%'")).Like);
        Assert.Equal("global", Assert.IsType<ShowStatement>(Single("SHOW GLOBAL STATUS")).Flag);
        Assert.Equal("db_5", Assert.IsType<UseStatement>(Single("use db_5")).Database);
    }

    [Fact]
    public void Variables_with_aliases_as_MySqlData_sends_them()
    {
        var select = Assert.IsType<SelectExpressionsStatement>(Single(
            "SELECT @@max_allowed_packet, @@session.auto_increment_increment AS auto_increment_increment, DATABASE(), 1 one"));
        Assert.Equal(["@@max_allowed_packet", "auto_increment_increment", "DATABASE()", "one"], select.Items.Select(i => i.Label));
        Assert.Equal("auto_increment_increment", select.Items[1].Name);
    }

    [Fact]
    public void Several_statements()
    {
        Assert.Equal(3, Parser.ParseScript("select 1; select 2;; select 3;").Count);
        Assert.Empty(Parser.ParseScript(" ; ;"));
    }

    [Fact]
    public void Errors_have_CppComet_codes_and_texts()
    {
        Assert.Equal(CometQLErrors.OrNotImplemented, Error("select * from users_auth where id = 1 or id = 2"));
        Assert.Equal(CometQLErrors.OrderByNotImplemented, Error("select * from users_auth where id = 1 order by id"));
        Assert.Equal(CometQLErrors.SyntaxError, Error("selec * from users_auth"));
        Assert.Equal(CometQLErrors.SyntaxError, Error("select * from"));
        Assert.Equal(CometQLErrors.ClusterPrefixRefused, Error("cometqlcluster_v1 set dev_id=2; select 1"));
    }

    [Fact]
    public void Limits_on_values_conditions_and_columns()
    {
        var values = string.Join(",", Enumerable.Range(1, 4001));
        Assert.Equal(19, Error($"select * from users_time where id in ({values})").Code);
        Assert.IsType<SelectStatement>(Single($"select * from users_time where id in ({string.Join(",", Enumerable.Range(1, 4000))})"));
        var conditions = string.Join(" and ", Enumerable.Range(1, 11).Select(i => $"c{i} = 1"));
        Assert.Equal(18, Error($"select * from users_time where {conditions}").Code);
        var columns = string.Join(",", Enumerable.Range(1, 21).Select(i => $"c{i}"));
        Assert.Equal(20, Error($"select {columns} from users_time where id = 1").Code);
        Assert.Equal(20, Error($"insert into users_time ({columns}) values (1)").Code);
    }
}
