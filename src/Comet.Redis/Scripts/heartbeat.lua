-- Renews this node's lease. Returns 1 when the node was not registered (first start, or its lease
-- expired and a reaper removed it): the node must then register its connections again.
-- KEYS: 1 nodes (zset node -> last heartbeat ms).  ARGV: 1 node, 2 now ms
local added = redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return added
