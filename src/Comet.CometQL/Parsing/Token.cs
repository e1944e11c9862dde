namespace Comet.CometQL.Parsing;

/// <summary>One token: its kind, its text (strings decoded) and where it starts in the query.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Start, int End)
{
    /// <summary>True for a bare word equal to <paramref name="keyword"/>, ignoring case.</summary>
    public bool Is(string keyword) => Kind == TokenKind.Word && Text.Equals(keyword, StringComparison.OrdinalIgnoreCase);

    public bool Is(TokenKind kind) => Kind == kind;
}
