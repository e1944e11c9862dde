-- The user's offline queue: messages no connection has taken.
-- KEYS: 1 queue state, 2 queue entries
local ack = redis.call('HGET', KEYS[1], 'ack') or '0'
return redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ack, '+inf')
