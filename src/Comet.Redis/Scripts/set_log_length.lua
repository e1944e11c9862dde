-- Stores a pipe's log length and trims the log to its newest entries.
-- KEYS: 1 settings, 2 log.  ARGV: 1 length
redis.call('SET', KEYS[1], ARGV[1])
local length = tonumber(ARGV[1])
if length > 0 then
  redis.call('LTRIM', KEYS[2], -length, -1)
else
  redis.call('DEL', KEYS[2])
end
return 1
