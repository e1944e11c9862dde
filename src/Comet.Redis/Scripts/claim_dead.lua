-- Moves registrations whose lease expired, and those the caller retires now, from the live nodes to
-- the reaping list, and returns what is to be reaped. Reaping then runs as idempotent steps that any
-- node may resume, and ends by removing the id from the reaping list.
-- KEYS: 1 live nodes, 2 reaping (both zsets registration id -> last heartbeat ms)
-- ARGV: 1 deadline ms (older heartbeats are dead), 2 how many to return, 3 now ms, 4.. ids to retire
-- Returns {id, last heartbeat, id, last heartbeat, ...}, oldest first.
local function claim(id, score)
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZADD', KEYS[2], 'NX', score, id)
end
for i = 4, #ARGV do
  -- A retired id may be gone from the live set already (Redis lost it): reap it all the same.
  claim(ARGV[i], redis.call('ZSCORE', KEYS[1], ARGV[i]) or ARGV[3])
end
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES')
for i = 1, #dead, 2 do
  claim(dead[i], dead[i + 1])
end
return redis.call('ZRANGE', KEYS[2], 0, tonumber(ARGV[2]) - 1, 'WITHSCORES')
