-- Removes an authorised user's connection; the user's last connection sets users_time and goes offline.
-- A connection that acknowledges keeps holding the resend window, for its next connection, from now.
-- KEYS: 1 connections, 2 queue state, 3 users_time
-- ARGV: 1 connection id, 2 registration id, 3 now (unix s), 4 status channel, 5 offline payload,
--       6 PUBLISH or SPUBLISH, 7 now (unix ms)
-- Returns {node state, offline published (0/1)}; node state is -1 when the connection was not
-- registered, 1 when the node still has connections of the user, 0 when it has none left.
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then
  return {-1, 0}
end
close_hold(KEYS[2], ARGV[1], tonumber(ARGV[7]))
local node_has = node_has_connection(KEYS[1], ARGV[2])
if not node_has then
  redis.call('HDEL', KEYS[2], 'c:' .. ARGV[2])
end
local offline = 0
if redis.call('HLEN', KEYS[1]) == 0 then
  redis.call('SET', KEYS[3], ARGV[3])
  redis.call(ARGV[6], ARGV[4], ARGV[5])
  offline = 1
end
if node_has then
  return {1, offline}
end
return {0, offline}
