-- Adds or removes one connection in a pipe's subscriber hash; on track_ pipes, announces it.
-- KEYS: 1 subscribers (hash connection id -> netstring record)
-- ARGV: 1 '+' or '-', 2 connection id, 3 record, 4 '1' to announce, 5 channel, 6 bus payload,
--       7 PUBLISH or SPUBLISH
-- Returns {the pipe's subscriber count, announced (0/1)}.
local changed
if ARGV[1] == '+' then
  changed = redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
else
  changed = redis.call('HDEL', KEYS[1], ARGV[2])
end
local announced = 0
if changed == 1 and ARGV[4] == '1' then
  redis.call(ARGV[7], ARGV[5], ARGV[6])
  announced = 1
end
return {redis.call('HLEN', KEYS[1]), announced}
