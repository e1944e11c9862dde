using Comet.Gateway;

// Before anything creates a socket: the runtime reads this setting once (SocketEngineDefaults).
SocketEngineDefaults.Apply();
if (HealthProbe.IsProbe(args))
{
    return await HealthProbe.RunAsync(args[1]);
}
try
{
    var app = GatewayApp.Build(args);
    SocketEngineDefaults.LogMode(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Comet.Gateway.SocketEngine"));
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (StartupProblems.Of(e) is { Count: > 0 } problems)
{
    return await StartupProblems.ReportAsync(problems);
}
