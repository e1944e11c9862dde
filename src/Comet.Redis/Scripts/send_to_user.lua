-- Queue first, poke second: appends a personal message to the user's queue, then wakes every node
-- that holds a connection of the user. Nodes take what is new for them with take_for_node.lua.
-- KEYS: 1 connections, 2 queue state, 3 queue entries
-- ARGV: 1 entry body (ns(time) ns(event) ns(message)), 2 max queued, 3 TTL ms, 4 node channel prefix,
--       5 poke payload
-- Returns {seq, dropped, nodes poked}.
local seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
redis.call('ZADD', KEYS[3], seq, ns(seq) .. ARGV[1])
trim_delivered(KEYS[2], KEYS[3])
local dropped = 0
local count = redis.call('ZCARD', KEYS[3])
local max = tonumber(ARGV[2])
if count > max then
  dropped = count - max
  redis.call('ZREMRANGEBYRANK', KEYS[3], 0, dropped - 1)
end
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
local poked, seen = 0, {}
for _, node in ipairs(redis.call('HVALS', KEYS[1])) do
  if not seen[node] then
    seen[node] = true
    poked = poked + 1
    redis.call('PUBLISH', ARGV[4] .. node, ARGV[5])
  end
end
return {seq, dropped, poked}
