-- Takes the personal messages a node has not taken yet, advancing its cursor. The queue's ack moves
-- only when the node confirms delivery (ack_for_node.lua), so that a connection opening meanwhile on
-- another node still finds undelivered messages in the queue.
-- KEYS: 1 connections, 2 queue state, 3 queue entries.  ARGV: 1 node, 2 limit
-- Returns {entries...}, empty when there is nothing new or the node holds no connection of the user.
local field = 'c:' .. ARGV[1]
local cursor = redis.call('HGET', KEYS[2], field)
if not cursor then
  -- The state expired while the node kept connections: it starts again from the beginning.
  if not node_has_connection(KEYS[1], ARGV[1]) then
    return {}
  end
  cursor = '0'
end
local entries = redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. cursor, '+inf', 'LIMIT', 0, tonumber(ARGV[2]))
if #entries > 0 then
  redis.call('HSET', KEYS[2], field, entry_seq(entries[#entries]))
end
return entries
