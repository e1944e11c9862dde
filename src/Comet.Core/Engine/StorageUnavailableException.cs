namespace Comet.Core.Engine;

/// <summary>The engine's storage (Redis) cannot be reached; the operation did not happen.</summary>
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
}
