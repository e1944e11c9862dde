-- Removes a reaped node from the registry unless it renewed its lease meanwhile.
-- KEYS: 1 nodes.  ARGV: 1 node, 2 the heartbeat (ms) the reaper saw
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) <= tonumber(ARGV[2]) then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0
