using System.Diagnostics;

namespace Comet.Core.Diagnostics;

/// <summary>
/// The gateway's traces: one <see cref="ActivitySource"/> that follows a CometQL statement through the
/// engine to Redis (statement span, engine span, one span per Redis operation). With no listener
/// attached <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null and nothing is allocated.
/// </summary>
public static class CometTracing
{
    public const string SourceName = "Comet.Gateway";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>A CometQL statement: span <c>cometql {operation} {table}</c> (names from a fixed set).</summary>
    public static Activity? StartStatement(string spanName, string table, string operation)
    {
        var activity = Source.StartActivity(spanName, ActivityKind.Server);
        if (activity is not null)
        {
            activity.SetTag("db.system", "cometql");
            activity.SetTag("db.operation.name", operation);
            activity.SetTag("db.collection.name", table);
        }
        return activity;
    }

    /// <summary>The engine's part of a statement (<c>comet.engine</c>), tagged with the engine kind.</summary>
    public static Activity? StartEngine(string engine, string operation)
    {
        var activity = Source.StartActivity("comet.engine");
        if (activity is not null)
        {
            activity.SetTag("comet.engine", engine);
            activity.SetTag("db.operation.name", operation);
        }
        return activity;
    }

    /// <summary>
    /// One Redis operation (<c>redis {operation}</c>), only inside one of our spans (a CometQL
    /// statement): background work (heartbeats, reaping) would otherwise make a root span every few seconds.
    /// </summary>
    public static Activity? StartRedis(string operation)
    {
        if (Activity.Current?.Source != Source)
        {
            return null;
        }
        var activity = Source.StartActivity("redis", ActivityKind.Client);
        if (activity is not null)
        {
            activity.DisplayName = "redis " + operation;
            activity.SetTag("db.system", "redis");
            activity.SetTag("db.operation.name", operation);
        }
        return activity;
    }

    /// <summary>Marks a span failed with the error's type (never its message: it may hold user data).</summary>
    public static void Failed(Activity? activity, Exception exception, string? code = null)
    {
        if (activity is null)
        {
            return;
        }
        activity.SetStatus(ActivityStatusCode.Error);
        activity.SetTag("error.type", code ?? exception.GetType().Name);
    }
}
