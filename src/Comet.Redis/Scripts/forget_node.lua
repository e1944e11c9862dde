-- Removes a reaped node from the registry unless it renewed its lease meanwhile. A node that renewed
-- while it was reaped (it was slow, not dead) has lost its registrations all the same: the marker makes
-- its next heartbeat register them again.
-- KEYS: 1 nodes, 2 the node's reaped marker.  ARGV: 1 node, 2 the heartbeat (ms) the reaper saw,
-- 3 the marker's time to live (s)
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score then
  return 0
end
if tonumber(score) <= tonumber(ARGV[2]) then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
redis.call('SET', KEYS[2], '1', 'EX', ARGV[3])
return 0
