namespace Comet.Client;

/// <summary>One file of the browser client, read once from the assembly's resources.</summary>
/// <param name="Name">The file name under <c>/comet-server/js/</c>.</param>
/// <param name="ContentType">The HTTP content type.</param>
/// <param name="Content">The file's bytes (UTF-8).</param>
/// <param name="ETag">A strong entity tag: a hash of the content, quoted.</param>
public sealed record ClientScript(string Name, string ContentType, ReadOnlyMemory<byte> Content, string ETag);
