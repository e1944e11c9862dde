using Comet.Core.Engine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Comet.Redis;

/// <summary>Registers the Redis engine (chosen when <c>Comet:Redis:Configuration</c> is set).</summary>
public static class RedisServiceCollectionExtensions
{
    public static IServiceCollection AddRedisEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RedisEngineOptions>()
            .Bind(configuration.GetSection(RedisEngineOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<RedisEngine>();
        services.TryAddSingleton<ICometEngine>(sp => sp.GetRequiredService<RedisEngine>());
        services.TryAddSingleton<IClusterNodes, Node.RedisClusterNodes>();
        return services;
    }
}
