-- Confirms what a registration handed to its connections, up to and including one entry: the queue's
-- ack moves up to it (connections opening elsewhere no longer take it) and so does the registration's
-- cursor. What the hub could not hand to any connection is not confirmed: it stays queued for the next
-- connection, in order. Both only move forward, so a confirmation that arrives twice or late changes
-- nothing. The entry must still be the one at that seq: after a failover lost writes, the seq may now
-- belong to a newer message, which must not be confirmed unseen.
-- KEYS: 1 queue state, 2 queue entries
-- ARGV: 1 registration id, 2 seq of the last entry handed on, 3 its unique id ('0': written before they existed)
-- Returns 1 when confirmed, 0 when that seq holds another message now (the caller takes again).
local seq = tonumber(ARGV[2])
local uid = ARGV[3]
if seq > tonumber(redis.call('HGET', KEYS[1], 'seq') or '0') then
  return 0 -- a seq this history has not reached: the entry was lost with the failover
end
if uid ~= '0' then
  local at = redis.call('ZRANGEBYSCORE', KEYS[2], seq, seq)
  -- The unique id is the entry's last netstring.
  local tail = #uid .. ':' .. uid
  if #at == 1 and string.sub(at[1], -#tail) ~= tail then
    return 0
  end
end
if seq > tonumber(redis.call('HGET', KEYS[1], 'ack') or '0') then
  redis.call('HSET', KEYS[1], 'ack', seq)
end
-- A cursor the registration no longer has (its last connection left, or it was reaped) stays gone.
local field = 'c:' .. ARGV[1]
local cursor = redis.call('HGET', KEYS[1], field)
if cursor and seq > tonumber(cursor) then
  redis.call('HSET', KEYS[1], field, seq)
end
return 1
