-- Removes a dead node's connections of a user; if none are left the user goes offline at the node's
-- last heartbeat. Their holds of the resend window count as closed then.
-- KEYS: 1 connections, 2 queue state, 3 users_time
-- ARGV: 1 dead registration id, 2 last seen (unix s), 3 status channel, 4 offline payload,
--       5 PUBLISH or SPUBLISH
-- Idempotent: a reaper that stopped halfway, or two reapers at once, leave the same result.
local entries = redis.call('HGETALL', KEYS[1])
local removed = 0
for i = 1, #entries, 2 do
  if entries[i + 1] == ARGV[1] then
    redis.call('HDEL', KEYS[1], entries[i])
    close_hold(KEYS[2], entries[i], tonumber(ARGV[2]) * 1000)
    removed = removed + 1
  end
end
redis.call('HDEL', KEYS[2], 'c:' .. ARGV[1])
if removed > 0 and redis.call('HLEN', KEYS[1]) == 0 then
  redis.call('SET', KEYS[3], ARGV[2])
  redis.call(ARGV[5], ARGV[3], ARGV[4])
end
return removed
