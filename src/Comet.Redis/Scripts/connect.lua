-- Registers an authorised user's connection under this node's registration id and, when it is the
-- registration's first connection of the user, returns the user's whole offline queue for it, in one
-- step. The queue's ack does not move here: the node confirms with ack_for_node.lua once it has the
-- reply, so a reply lost on the way leaves the messages queued for the next connection.
-- A connection that acknowledges (ARGV 8 not empty) instead gets everything kept after the seq it
-- processed (0: after what this registration has taken), and holds the resend window from there.
-- Registering again (after Redis lost writes in a failover, or under a new registration id) moves the
-- connection to the given id without announcing it and without the connection limit.
-- KEYS: 1 connections (hash connection id -> registration id), 2 queue state (hash seq, ack, c:<id>,
--       h:<connection id>), 3 queue entries (zset seq -> entry), 4 users_time
-- ARGV: 1 connection id, 2 registration id, 3 max connections, 4 status channel, 5 online payload,
--       6 PUBLISH or SPUBLISH, 7 '1' when registering again, 8 the seq an acknowledging connection
--       resumes after ('' when it does not acknowledge), 9 now (unix ms), 10 window age ms,
--       11 window length, 12 most holds, 13 the queue's TTL ms
-- Returns {1, online published (0/1), resumed after, first missed seq, last missed seq, entries...} when
-- accepted (entries oldest first; without acknowledgements "resumed after" is the user's seq now, what
-- was sent before the connection; the missed seqs 0 when they do not apply), {0} when the limit is reached.
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current == ARGV[2] then
  return {1, 0, 0, 0, 0}
end
local again = ARGV[7] == '1'
if not current and not again and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
  return {0}
end
local result = {1, 0, 0, 0, 0}
local cursor = 'c:' .. ARGV[2]
local node_had = node_has_connection(KEYS[1], ARGV[2])
local seq = tonumber(redis.call('HGET', KEYS[2], 'seq') or '0')
local taken_here = tonumber(redis.call('HGET', KEYS[2], cursor) or '0')
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local acknowledges = ARGV[8] ~= '' and not again
if acknowledges then
  local now = tonumber(ARGV[9])
  trim_delivered(KEYS[2], KEYS[3], now, tonumber(ARGV[10]), tonumber(ARGV[11]))
  -- Seqs start now if the user has none, so that even a connection before any message knows where it
  -- resumes; the state then expires like one a message made.
  if redis.call('HSETNX', KEYS[2], 'seq', now - 1) == 1 then
    seq = now - 1
  end
  if redis.call('PTTL', KEYS[2]) < 0 then
    redis.call('PEXPIRE', KEYS[2], ARGV[13])
  end
  local after = tonumber(ARGV[8])
  local from = after
  if after == 0 then
    -- A first connection: what this registration has not taken yet (the queue when it has nothing
    -- here), or, when that is not known (the state began after it), just before what is kept.
    from = node_had and taken_here or tonumber(redis.call('HGET', KEYS[2], 'ack') or '0')
    if from == 0 then
      local oldest = redis.call('ZRANGE', KEYS[3], 0, 0)
      from = #oldest > 0 and entry_seq(oldest[1]) - 1 or seq
    end
  end
  -- With other connections here, what this registration has not taken yet reaches them all live.
  local upto = '+inf'
  if node_had then
    upto = taken_here
  end
  for _, entry in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. from, upto)) do
    result[#result + 1] = entry
  end
  result[3] = from
  if after > 0 and after < seq then
    local next = redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. after, '+inf', 'LIMIT', 0, 1)
    local first = seq + 1
    if #next > 0 then
      first = entry_seq(next[1])
    end
    if first > after + 1 then
      result[4] = after + 1
      result[5] = first - 1
    end
  end
  redis.call('HSET', KEYS[2], 'h:' .. ARGV[1], hold_value(from, true, now))
  -- Room for the open connections: beyond the most holds, the oldest closed ones give way.
  local closed, count = {}, 0
  local fields = redis.call('HGETALL', KEYS[2])
  for i = 1, #fields, 2 do
    if string.sub(fields[i], 1, 2) == 'h:' then
      count = count + 1
      local _, open, touched = parse_hold(fields[i + 1])
      if not open then
        closed[#closed + 1] = {fields[i], touched or 0}
      end
    end
  end
  local excess = count - tonumber(ARGV[12])
  if excess > 0 then
    table.sort(closed, function(a, b) return a[2] < b[2] end)
    for i = 1, math.min(excess, #closed) do
      redis.call('HDEL', KEYS[2], closed[i][1])
    end
  end
  if not node_had then
    redis.call('HSET', KEYS[2], cursor, seq)
  end
else
  result[3] = seq
end
if not acknowledges and not node_had then
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
