-- Revokes a token until an expiry and forgets revocations that have expired.
-- KEYS: 1 revoked tokens (zset token -> expiry ms).  ARGV: 1 token, 2 expiry ms, 3 now ms
-- The key itself expires a minute after its newest revocation (relative to the caller's clock, so
-- that a skew between the gateway's and Redis's clocks cannot drop it early).
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', KEYS[1], math.floor(tonumber(newest[2]) - tonumber(ARGV[3])) + 60000)
return 1
