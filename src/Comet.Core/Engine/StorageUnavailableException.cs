namespace Comet.Core.Engine;

/// <summary>
/// The engine's storage (Redis) could not do the operation: it is unreachable, failing over, or did not
/// answer in time. Unless <see cref="OutcomeUnknown"/> is set the operation did not happen, so the caller
/// may simply try again; with it set, the operation may have happened (a timeout after the command was
/// sent, a write no replica confirmed), so a retry may repeat it.
/// </summary>
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
        : base("The storage is unavailable.")
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StorageUnavailableException(string message, Exception innerException, bool outcomeUnknown)
        : base(message, innerException)
    {
        OutcomeUnknown = outcomeUnknown;
    }

    /// <summary>True when the operation may have taken effect although it failed.</summary>
    public bool OutcomeUnknown { get; }
}
