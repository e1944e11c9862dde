-- Stores a value only when the key has none; returns the value now stored.
-- KEYS: 1 the key.  ARGV: 1 the value
local current = redis.call('GET', KEYS[1])
if current then
  return current
end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
