namespace Comet.WebSockets.Admission;

/// <summary>Why an upgrade request is refused: the HTTP answer sent instead of the upgrade.</summary>
/// <param name="StatusCode">503 (draining, node full, no descriptors left) or 429 (too many new connections from the address).</param>
/// <param name="RetryAfterSeconds">The <c>Retry-After</c> header.</param>
/// <param name="Message">The plain-text body.</param>
/// <param name="Reason">The metric tag: <c>draining</c>, <c>node_full</c>, <c>descriptor_limit</c> or <c>address_rate</c>.</param>
internal readonly record struct AdmissionRefusal(int StatusCode, int RetryAfterSeconds, string Message, string Reason);
