-- Renews a node's lease under its registration id. A registration that is no longer live (a reaper
-- claimed it while the node was paused, the node retired it, or Redis lost it in a restart or a
-- failover) is not renewed: the node must take a new registration id and register everything again.
-- KEYS: 1 live nodes (zset registration id -> last heartbeat ms)
-- ARGV: 1 registration id, 2 now ms, 3 '1' for the first heartbeat of this id
-- Returns 1 when renewed, 0 when the registration is gone.
if ARGV[3] ~= '1' and not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return 1
