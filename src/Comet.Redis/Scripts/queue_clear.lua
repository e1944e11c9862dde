-- Empties the user's offline queue: everything sent so far counts as taken.
-- KEYS: 1 queue state, 2 queue entries
local seq = redis.call('HGET', KEYS[1], 'seq')
if seq then
  redis.call('HSET', KEYS[1], 'ack', seq)
  trim_delivered(KEYS[1], KEYS[2])
end
return 1
