-- Empties the user's offline queue: what no node has taken is dropped (a connection resuming before
-- it is told it missed them), and everything sent so far counts as taken.
-- KEYS: 1 queue state, 2 queue entries
local seq = redis.call('HGET', KEYS[1], 'seq')
if seq then
  local ack = redis.call('HGET', KEYS[1], 'ack') or '0'
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '(' .. ack, '+inf')
  redis.call('HSET', KEYS[1], 'ack', seq)
  trim_delivered(KEYS[1], KEYS[2])
end
return 1
