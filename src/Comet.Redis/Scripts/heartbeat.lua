-- Renews this node's lease. Returns 1 when the node must register its connections again: it was not
-- registered (first start, or its lease expired and a reaper removed it), or a reaper removed its
-- registrations while it renewed the lease (forget_node.lua left the reaped marker).
-- KEYS: 1 nodes (zset node -> last heartbeat ms), 2 the node's reaped marker.  ARGV: 1 node, 2 now ms
local added = redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
if redis.call('DEL', KEYS[2]) == 1 then
  added = 1
end
return added
