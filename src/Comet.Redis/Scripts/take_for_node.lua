-- Returns the personal messages a registration has not confirmed yet, oldest first. It moves nothing:
-- the registration confirms with ack_for_node.lua once it handed them on, so a reply lost on the way
-- (a connection dropped, a failover) costs a second take, never a gap.
-- KEYS: 1 connections, 2 queue state, 3 queue entries.  ARGV: 1 registration id, 2 limit
-- Returns {entries...}, empty when there is nothing new or the registration holds no connection of the user.
local cursor = redis.call('HGET', KEYS[2], 'c:' .. ARGV[1])
if not cursor then
  -- The state expired while the node kept connections: it starts again from the beginning.
  if not node_has_connection(KEYS[1], ARGV[1]) then
    return {}
  end
  cursor = '0'
end
return redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. cursor, '+inf', 'LIMIT', 0, tonumber(ARGV[2]))
