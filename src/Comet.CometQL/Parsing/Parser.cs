using System.Globalization;

namespace Comet.CometQL.Parsing;

/// <summary>
/// Parses the CometQL dialect (spec §1.2–1.3) into statements. Errors are <see cref="CometQLException"/>
/// with the codes and texts of CppComet.
/// </summary>
internal sealed class Parser
{
    private readonly string _query;
    private readonly List<Token> _tokens;
    private int _position;

    private Parser(string query)
    {
        _query = query;
        _tokens = Lexer.Tokenize(query);
    }

    /// <summary>Parses one query text: one statement, or several separated by <c>;</c> (empty ones skipped).</summary>
    public static List<Statement> ParseScript(string query)
    {
        var parser = new Parser(query);
        var statements = new List<Statement>(1);
        while (true)
        {
            while (parser.Current.Kind == TokenKind.Semicolon)
            {
                parser._position++;
            }
            if (parser.Current.Kind == TokenKind.End)
            {
                return statements;
            }
            if (statements.Count >= ParserLimits.MaxStatements)
            {
                throw new CometQLException(CometQLErrors.TooManyValuesError);
            }
            statements.Add(parser.ParseStatement());
            if (parser.Current.Kind is not (TokenKind.Semicolon or TokenKind.End))
            {
                throw new CometQLException(CometQLErrors.SyntaxError);
            }
        }
    }

    private Token Current => _tokens[_position];

    private Token Peek(int ahead = 1) => _tokens[Math.Min(_position + ahead, _tokens.Count - 1)];

    private Token Next()
    {
        var token = _tokens[_position];
        if (_position < _tokens.Count - 1)
        {
            _position++;
        }
        return token;
    }

    private bool Accept(string keyword)
    {
        if (Current.Is(keyword))
        {
            _position++;
            return true;
        }
        return false;
    }

    private bool Accept(TokenKind kind)
    {
        if (Current.Kind == kind)
        {
            _position++;
            return true;
        }
        return false;
    }

    private void Expect(string keyword)
    {
        if (!Accept(keyword))
        {
            throw Syntax();
        }
    }

    private void Expect(TokenKind kind)
    {
        if (!Accept(kind))
        {
            throw Syntax();
        }
    }

    private static CometQLException Syntax() => new(CometQLErrors.SyntaxError);

    private Statement ParseStatement()
    {
        var first = Current;
        if (first.Is("cometqlcluster_v1"))
        {
            throw new CometQLException(CometQLErrors.ClusterPrefixRefused);
        }
        if (first.Is("select"))
        {
            _position++;
            return ParseSelect();
        }
        if (first.Is("insert") || first.Is("replace"))
        {
            _position++;
            return ParseInsert();
        }
        if (first.Is("delete"))
        {
            _position++;
            return ParseDelete();
        }
        if (first.Is("show"))
        {
            _position++;
            return ParseShow();
        }
        if (first.Is("describe") || first.Is("desc"))
        {
            _position++;
            var table = ReadName();
            SkipToStatementEnd();
            return new ShowStatement(ShowKind.Columns, table, null, null);
        }
        if (first.Is("set") || first.Is("begin") || first.Is("commit") || first.Is("rollback") || first.Is("start"))
        {
            _position++;
            SkipToStatementEnd();
            return new NoEffectStatement();
        }
        if (first.Is("use"))
        {
            _position++;
            return new UseStatement(ReadName());
        }
        throw Syntax();
    }

    private void SkipToStatementEnd()
    {
        while (Current.Kind is not (TokenKind.Semicolon or TokenKind.End))
        {
            if (Current.Kind == TokenKind.Placeholder)
            {
                throw Syntax();
            }
            _position++;
        }
    }

    private Statement ParseSelect()
    {
        var columns = new List<string>();
        var items = new List<SelectItem>();
        var star = false;
        do
        {
            if (columns.Count + items.Count >= ParserLimits.MaxColumns)
            {
                throw new CometQLException(CometQLErrors.TooManyColumnsError);
            }
            if (Accept(TokenKind.Star))
            {
                star = true;
                continue;
            }
            var token = Current;
            if (token.Kind == TokenKind.Variable)
            {
                _position++;
                items.Add(WithAlias(VariableItem(token.Text)));
            }
            else if (token.Kind == TokenKind.Word && Peek().Kind == TokenKind.LeftParenthesis)
            {
                _position += 2;
                SkipArguments();
                var name = token.Text.ToLowerInvariant();
                var text = _query[token.Start.._tokens[_position - 1].End];
                items.Add(WithAlias(new SelectItem(SelectItemKind.Function, name, text)));
            }
            else if (token.Kind is TokenKind.Number or TokenKind.String)
            {
                _position++;
                items.Add(WithAlias(new SelectItem(SelectItemKind.Literal, token.Text, token.Text)));
            }
            else if (token.Kind is TokenKind.Word or TokenKind.QuotedIdentifier && !token.Is("from"))
            {
                _position++;
                columns.Add(token.Text);
            }
            else
            {
                throw Syntax();
            }
        }
        while (Accept(TokenKind.Comma));

        if (Accept("from"))
        {
            if (items.Count > 0 || (star && columns.Count > 0))
            {
                throw Syntax();
            }
            if (Accept("dual"))
            {
                throw Syntax();
            }
            var table = ReadName();
            var where = ParseWhere();
            if (Current.Is("order"))
            {
                throw new CometQLException(CometQLErrors.OrderByNotImplemented);
            }
            var limit = ParseLimit();
            return new SelectStatement(table, star ? null : columns, where, limit);
        }
        if (columns.Count > 0 || star || items.Count == 0)
        {
            throw Syntax();
        }
        return new SelectExpressionsStatement(items, ParseLimit());
    }

    /// <summary>Skips a function's arguments up to its closing parenthesis (functions are evaluated by name only).</summary>
    private void SkipArguments()
    {
        var depth = 1;
        while (depth > 0)
        {
            var token = Next();
            switch (token.Kind)
            {
                case TokenKind.LeftParenthesis:
                    depth++;
                    break;
                case TokenKind.RightParenthesis:
                    depth--;
                    break;
                case TokenKind.End or TokenKind.Semicolon or TokenKind.Placeholder:
                    throw Syntax();
            }
        }
    }

    private static SelectItem VariableItem(string text)
    {
        if (!text.StartsWith("@@", StringComparison.Ordinal))
        {
            return new SelectItem(SelectItemKind.UserVariable, text[1..], text);
        }
        var name = text[2..];
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            name = name[(dot + 1)..];
        }
        return new SelectItem(SelectItemKind.SystemVariable, name.ToLowerInvariant(), text);
    }

    private SelectItem WithAlias(SelectItem item)
    {
        if (Accept("as"))
        {
            return item with { Label = ReadName() };
        }
        if (Current.Kind is TokenKind.QuotedIdentifier or TokenKind.String
            || (Current.Kind == TokenKind.Word && !Current.Is("from") && !Current.Is("limit")))
        {
            return item with { Label = Next().Text };
        }
        return item;
    }

    private InsertStatement ParseInsert()
    {
        Accept("into");
        var table = ReadName();
        List<string>? columns = null;
        if (Accept(TokenKind.LeftParenthesis))
        {
            columns = [];
            do
            {
                if (columns.Count >= ParserLimits.MaxColumns)
                {
                    throw new CometQLException(CometQLErrors.TooManyColumnsError);
                }
                columns.Add(ReadName());
            }
            while (Accept(TokenKind.Comma));
            Expect(TokenKind.RightParenthesis);
        }
        if (!Accept("values"))
        {
            Expect("value");
        }
        var rows = new List<IReadOnlyList<SqlValue>>(1);
        do
        {
            if (rows.Count >= ParserLimits.MaxInsertRows)
            {
                throw new CometQLException(CometQLErrors.TooManyRowsError);
            }
            Expect(TokenKind.LeftParenthesis);
            var values = new List<SqlValue>();
            do
            {
                if (values.Count >= ParserLimits.MaxColumns)
                {
                    throw new CometQLException(CometQLErrors.TooManyColumnsError);
                }
                values.Add(ReadValue());
            }
            while (Accept(TokenKind.Comma));
            Expect(TokenKind.RightParenthesis);
            rows.Add(values);
        }
        while (Accept(TokenKind.Comma));
        return new InsertStatement(table, columns, rows);
    }

    private DeleteStatement ParseDelete()
    {
        Expect("from");
        var table = ReadName();
        var where = ParseWhere();
        if (Current.Is("order"))
        {
            throw new CometQLException(CometQLErrors.OrderByNotImplemented);
        }
        ParseLimit();
        return new DeleteStatement(table, where);
    }

    private WhereClause? ParseWhere()
    {
        if (!Accept("where"))
        {
            return null;
        }
        var conditions = new List<Condition>();
        while (true)
        {
            if (conditions.Count >= ParserLimits.MaxConditions)
            {
                throw new CometQLException(CometQLErrors.TooManyConditionsError);
            }
            var column = ReadName();
            var values = new List<SqlValue>(1);
            if (Accept("in"))
            {
                Expect(TokenKind.LeftParenthesis);
                do
                {
                    if (values.Count >= ParserLimits.MaxValues)
                    {
                        throw new CometQLException(CometQLErrors.TooManyValuesError);
                    }
                    values.Add(ReadValue());
                }
                while (Accept(TokenKind.Comma));
                Expect(TokenKind.RightParenthesis);
            }
            else if (Accept("like") || Accept(TokenKind.Operator))
            {
                values.Add(ReadValue());
            }
            else
            {
                throw Syntax();
            }
            conditions.Add(new Condition(column, values));
            if (Current.Is("or"))
            {
                throw new CometQLException(CometQLErrors.OrNotImplemented);
            }
            if (!Accept("and"))
            {
                return new WhereClause(conditions);
            }
        }
    }

    private LimitClause? ParseLimit()
    {
        if (!Accept("limit"))
        {
            return null;
        }
        var first = ReadInteger();
        if (Accept(TokenKind.Comma))
        {
            return new LimitClause(first, ReadInteger());
        }
        if (Accept("offset"))
        {
            return new LimitClause(ReadInteger(), first);
        }
        return new LimitClause(0, first);
    }

    private int ReadInteger()
    {
        var token = Next();
        if (token.Kind != TokenKind.Number
            || !int.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw Syntax();
        }
        return value;
    }

    private ShowStatement ParseShow()
    {
        string? flag = null;
        var full = Accept("full");
        if (Current.Is("global") || Current.Is("session") || Current.Is("local") || Current.Is("filesystem")
            || Current.Is("ram") || Current.Is("avg") || Current.Is("uptime"))
        {
            flag = Next().Text.ToLowerInvariant();
        }
        ShowKind kind;
        string? table = null;
        if (Accept("databases") || Accept("schemas"))
        {
            kind = ShowKind.Databases;
        }
        else if (Accept("tables"))
        {
            kind = ShowKind.Tables;
            if (Accept("from") || Accept("in"))
            {
                ReadName();
            }
        }
        else if (Accept("columns") || Accept("fields"))
        {
            kind = ShowKind.Columns;
            if (!Accept("from"))
            {
                Expect("in");
            }
            table = ReadName();
            if (Accept("from") || Accept("in"))
            {
                ReadName();
            }
        }
        else if (Accept("status"))
        {
            kind = ShowKind.Status;
        }
        else if (Accept("variables"))
        {
            kind = ShowKind.Variables;
        }
        else if (Accept("collation"))
        {
            kind = ShowKind.Collation;
        }
        else if (Accept("charset") || (Accept("character") && Accept("set")))
        {
            kind = ShowKind.CharacterSet;
        }
        else if (Accept("processlist"))
        {
            kind = ShowKind.ProcessList;
        }
        else if (Accept("table"))
        {
            Expect("status");
            kind = ShowKind.TableStatus;
        }
        else if (Accept("warnings") || Accept("errors"))
        {
            kind = ShowKind.Warnings;
            ParseLimit();
        }
        else
        {
            throw Syntax();
        }
        _ = full;
        string? like = null;
        if (Accept("like"))
        {
            like = ReadValue().Text;
        }
        else if (Accept("where"))
        {
            // SHOW … WHERE filters are not evaluated: the whole (small) list is returned.
            SkipToStatementEnd();
        }
        return new ShowStatement(kind, table, like, flag);
    }

    private string ReadName()
    {
        var token = Next();
        if (token.Kind is TokenKind.Word or TokenKind.QuotedIdentifier or TokenKind.String)
        {
            return token.Text;
        }
        throw Syntax();
    }

    private SqlValue ReadValue()
    {
        var token = Next();
        return token.Kind switch
        {
            TokenKind.String => new SqlValue(token.Text, SqlValueKind.String),
            TokenKind.Number => new SqlValue(token.Text, SqlValueKind.Number),
            TokenKind.Word when token.Is("null") => new SqlValue("", SqlValueKind.Null),
            TokenKind.Word or TokenKind.QuotedIdentifier => new SqlValue(token.Text, SqlValueKind.Word),
            _ => throw Syntax(),
        };
    }
}
