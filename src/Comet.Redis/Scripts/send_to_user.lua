-- Queue first, poke second: appends a personal message to the user's queue, then wakes the nodes that
-- hold a connection of the user on the user's channel. Nodes take what is new for them with
-- take_for_node.lua.
-- KEYS: 1 connections, 2 queue state, 3 queue entries
-- ARGV: 1 entry body (ns(time) ns(event) ns(message) ns(unique id)), 2 max queued, 3 TTL ms,
--       4 the user's channel (in the user's slot when sharded), 5 wake-up payload, 6 PUBLISH or SPUBLISH,
--       7 now (unix ms), 8 resend window age ms, 9 resend window length
-- Returns {seq, dropped, nodes woken}.
local seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
if seq == 1 then
  -- A user's first seq is the clock in ms, so that seqs keep increasing after the state expired.
  seq = tonumber(ARGV[7])
  redis.call('HSET', KEYS[2], 'seq', seq)
end
redis.call('ZADD', KEYS[3], seq, ns(seq) .. ARGV[1])
local taken, held = trim_delivered(KEYS[2], KEYS[3], tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]))
-- The queue's bound counts what some node has not taken yet; the window's part below it (only while
-- a hold keeps one) is bounded apart.
local dropped = 0
local window = 0
if held then
  window = redis.call('ZCOUNT', KEYS[3], '-inf', taken)
end
local count = redis.call('ZCARD', KEYS[3]) - window
local max = tonumber(ARGV[2])
if count > max then
  dropped = count - max
  redis.call('ZREMRANGEBYRANK', KEYS[3], window, window + dropped - 1)
end
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
local woken = 0
if redis.call('EXISTS', KEYS[1]) == 1 then
  woken = redis.call(ARGV[6], ARGV[4], ARGV[5])
end
return {seq, dropped, woken}
