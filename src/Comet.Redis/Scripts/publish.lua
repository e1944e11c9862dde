-- Publishes to a pipe: append to its log when it logs, then PUBLISH, in one step.
-- KEYS: 1 settings (string length), 2 log (list), 3 subscribers (hash)
-- ARGV: 1 default length (trust_ pipes, else 0), 2 log TTL ms (trust_ pipes, else 0), 3 log entry,
--       4 channel (in the pipe's slot when sharded), 5 bus payload, 6 PUBLISH or SPUBLISH
-- Returns the pipe's cluster-wide subscriber count.
local length = tonumber(redis.call('GET', KEYS[1]) or '0')
if length == 0 then
  length = tonumber(ARGV[1])
end
if length > 0 then
  redis.call('RPUSH', KEYS[2], ARGV[3])
  redis.call('LTRIM', KEYS[2], -length, -1)
  local ttl = tonumber(ARGV[2])
  if ttl > 0 then
    redis.call('PEXPIRE', KEYS[2], ttl)
  end
end
redis.call(ARGV[6], ARGV[4], ARGV[5])
return redis.call('HLEN', KEYS[3])
