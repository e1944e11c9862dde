using Comet.Gateway;

if (HealthProbe.IsProbe(args))
{
    return await HealthProbe.RunAsync(args[1]);
}
var app = GatewayApp.Build(args);
await app.RunAsync();
return 0;
