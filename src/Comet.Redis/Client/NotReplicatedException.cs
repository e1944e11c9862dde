namespace Comet.Redis.Client;

/// <summary>A write reached the master but fewer replicas than required confirmed it in time.</summary>
internal sealed class NotReplicatedException : Exception
{
    public NotReplicatedException()
        : base("No replica confirmed the write in time.")
    {
    }

    public NotReplicatedException(string message)
        : base(message)
    {
    }

    public NotReplicatedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
