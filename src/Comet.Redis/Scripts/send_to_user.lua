-- Queue first, poke second: appends a personal message to the user's queue, then wakes the nodes that
-- hold a connection of the user on the user's channel. Nodes take what is new for them with
-- take_for_node.lua.
-- KEYS: 1 connections, 2 queue state, 3 queue entries
-- ARGV: 1 entry body (ns(time) ns(event) ns(message) ns(unique id)), 2 max queued, 3 TTL ms,
--       4 the user's channel (in the user's slot when sharded), 5 wake-up payload, 6 PUBLISH or SPUBLISH,
--       7 now (unix ms), 8 resend window age ms, 9 resend window length
-- Returns {seq, dropped, nodes woken}.
-- A user's first seq is the clock in ms, so that seqs keep increasing after the state expired.
if redis.call('HSETNX', KEYS[2], 'seq', tonumber(ARGV[7]) - 1) == 1 then
  redis.call('HSET', KEYS[2], 'ack', tonumber(ARGV[7]) - 1)
end
local seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
redis.call('ZADD', KEYS[3], seq, ns(seq) .. ARGV[1])
local taken = trim_delivered(KEYS[2], KEYS[3], tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]))
-- The queue's bound counts what some node has not taken yet; the window's part below it is bounded apart.
local dropped = 0
local count = redis.call('ZCOUNT', KEYS[3], '(' .. taken, '+inf')
local max = tonumber(ARGV[2])
if count > max then
  dropped = count - max
  local window = redis.call('ZCOUNT', KEYS[3], '-inf', taken)
  redis.call('ZREMRANGEBYRANK', KEYS[3], window, window + dropped - 1)
end
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
local woken = 0
if redis.call('EXISTS', KEYS[1]) == 1 then
  woken = redis.call(ARGV[6], ARGV[4], ARGV[5])
end
return {seq, dropped, woken}
