-- Registers an authorised user's connection and, when it is the node's first connection of the user,
-- takes the user's whole offline queue for it, in one step.
-- KEYS: 1 connections (hash connection id -> node), 2 queue state (hash seq, ack, c:<node>),
--       3 queue entries (zset seq -> entry), 4 users_time
-- ARGV: 1 connection id, 2 node, 3 max connections, 4 status channel, 5 online payload
-- Returns {1, online published (0/1), entries...} when accepted (entries oldest first), {0} when the
-- limit is reached.
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  return {1, 0}
end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
  return {0}
end
local result = {1, 0}
local cursor = 'c:' .. ARGV[2]
local node_had = node_has_connection(KEYS[1], ARGV[2])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if not node_had then
  local seq = tonumber(redis.call('HGET', KEYS[2], 'seq') or '0')
  local ack = tonumber(redis.call('HGET', KEYS[2], 'ack') or '0')
  if seq > ack then
    for _, entry in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. ack, seq)) do
      result[#result + 1] = entry
    end
    redis.call('HSET', KEYS[2], 'ack', seq)
  end
  redis.call('HSET', KEYS[2], cursor, seq)
  trim_delivered(KEYS[2], KEYS[3])
end
if redis.call('HLEN', KEYS[1]) == 1 then
  redis.call('SET', KEYS[4], '0')
  redis.call('PUBLISH', ARGV[4], ARGV[5])
  result[2] = 1
end
return result
