using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Comet.WebSockets.Tests.Support;

/// <summary>Builds CppComet JWTs by hand (HS256, secret = key + decimal dev_id) so tests control every part.</summary>
public static class Jwt
{
    public static string Create(string payloadJson, string algorithm = "HS256", string secret = "CometQLPassword0")
    {
        var header = Base64UrlEncoder.Encode($"{{\"alg\":\"{algorithm}\",\"typ\":\"JWT\"}}");
        var payload = Base64UrlEncoder.Encode(payloadJson);
        var signingInput = header + "." + payload;
        var signature = algorithm switch
        {
            "none" => "",
            "HS512" => Base64UrlEncoder.Encode(HMACSHA512.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(signingInput))),
            _ => Base64UrlEncoder.Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(signingInput))),
        };
        return signingInput + "." + signature;
    }

    public static string ForUser(long userId, TimeSpan? lifetime = null, string algorithm = "HS256", string secret = "CometQLPassword0") =>
        Create($"{{\"user_id\":{userId},\"exp\":{DateTimeOffset.UtcNow.Add(lifetime ?? TimeSpan.FromHours(1)).ToUnixTimeSeconds()}}}", algorithm, secret);
}
