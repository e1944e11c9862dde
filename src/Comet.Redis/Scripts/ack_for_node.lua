-- Confirms what a node delivered after take_for_node.lua: the queue's ack moves up to the last
-- delivered message; if the hub had no connection for some, the node's cursor goes back before them
-- so that they stay in the queue and a new local connection takes them again, in order.
-- KEYS: 1 queue state
-- ARGV: 1 node, 2 last delivered seq (0: none), 3 rewind the cursor to this seq (-1: no), 4 last taken seq
local delivered = tonumber(ARGV[2])
if delivered > tonumber(redis.call('HGET', KEYS[1], 'ack') or '0') then
  redis.call('HSET', KEYS[1], 'ack', delivered)
end
local field = 'c:' .. ARGV[1]
if tonumber(ARGV[3]) >= 0 and redis.call('HGET', KEYS[1], field) == ARGV[4] then
  redis.call('HSET', KEYS[1], field, ARGV[3])
end
return 1
