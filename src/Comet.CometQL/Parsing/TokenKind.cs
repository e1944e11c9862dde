namespace Comet.CometQL.Parsing;

/// <summary>What a token of the CometQL dialect is.</summary>
internal enum TokenKind
{
    End,
    /// <summary>A bare word: a keyword, a name or a bare value (<c>[A-Za-z_][A-Za-z0-9_$]*</c>).</summary>
    Word,
    /// <summary>A <c>`quoted`</c> identifier.</summary>
    QuotedIdentifier,
    /// <summary>A '…' or "…" string, escapes decoded.</summary>
    String,
    /// <summary>An integer, possibly negative.</summary>
    Number,
    /// <summary><c>@@name</c>, <c>@@session.name</c> or <c>@name</c>; the text is the name as written.</summary>
    Variable,
    /// <summary>A <c>?</c> placeholder (prepared statements).</summary>
    Placeholder,
    LeftParenthesis,
    RightParenthesis,
    Comma,
    Semicolon,
    Star,
    Dot,
    /// <summary><c>=</c>, <c>&lt;</c>, <c>&gt;</c>, <c>&lt;=</c>, <c>&gt;=</c>, <c>!=</c>, <c>&lt;&gt;</c>.</summary>
    Operator,
    /// <summary>Any other character (only SET's free-form tail accepts it).</summary>
    Other,
}
