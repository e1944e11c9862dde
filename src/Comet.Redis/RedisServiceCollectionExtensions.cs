using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Redis;

// PLACEHOLDER: the Redis-engine work replaces this.
public static class RedisServiceCollectionExtensions
{
    public static IServiceCollection AddRedisEngine(this IServiceCollection services, IConfiguration configuration) =>
        throw new NotSupportedException("The Redis engine is not built yet.");
}
