-- Registers an authorised user's connection under this node's registration id and, when it is the
-- registration's first connection of the user, returns the user's whole offline queue for it, in one
-- step. The queue's ack does not move here: the node confirms with ack_for_node.lua once it has the
-- reply, so a reply lost on the way leaves the messages queued for the next connection.
-- Registering again (after Redis lost writes in a failover, or under a new registration id) moves the
-- connection to the given id without announcing it and without the connection limit.
-- KEYS: 1 connections (hash connection id -> registration id), 2 queue state (hash seq, ack, c:<id>),
--       3 queue entries (zset seq -> entry), 4 users_time
-- ARGV: 1 connection id, 2 registration id, 3 max connections, 4 status channel, 5 online payload,
--       6 PUBLISH or SPUBLISH, 7 '1' when registering again
-- Returns {1, online published (0/1), entries...} when accepted (entries oldest first), {0} when the
-- limit is reached.
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current == ARGV[2] then
  return {1, 0}
end
local again = ARGV[7] == '1'
if not current and not again and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
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
  end
  redis.call('HSET', KEYS[2], cursor, seq)
end
if redis.call('HLEN', KEYS[1]) == 1 then
  if redis.call('GET', KEYS[4]) ~= '0' then
    redis.call('SET', KEYS[4], '0')
  end
  if not current and not again then
    redis.call(ARGV[6], ARGV[4], ARGV[5])
    result[2] = 1
  end
end
return result
