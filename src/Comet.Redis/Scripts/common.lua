-- Shared helpers, prepended to every script by RedisScripts.
-- Values are netstrings without the trailing comma: "<byte length>:<bytes>", concatenated.
local function ns(s)
  s = tostring(s)
  return #s .. ':' .. s
end

local function unns(s)
  local out, i = {}, 1
  while i <= #s do
    local c = string.find(s, ':', i, true)
    local n = tonumber(string.sub(s, i, c - 1))
    out[#out + 1] = string.sub(s, c + 1, c + n)
    i = c + n + 1
  end
  return out
end

-- A pipe message on the bus: kind, origin node ('' = every node delivers it), event, data, flags
-- (j = JSON data), user id, send time, excluded connection.
local function bus_message(event, data, flags, uid, time, exclude)
  return ns('m') .. ns('') .. ns(event) .. ns(data) .. ns(flags) .. ns(uid) .. ns(time) .. ns(exclude)
end

-- True when some connection in the user's connection hash lives on the node.
local function node_has_connection(conns, node)
  for _, n in ipairs(redis.call('HVALS', conns)) do
    if n == node then
      return true
    end
  end
  return false
end

-- A connection that acknowledges holds the user's resend window from the seq it processed:
-- field 'h:<connection id>' = '<seq>:<1 open, 0 closed>:<unix ms opened, acked or closed>'.
local function parse_hold(v)
  local seq, open, touched = string.match(v, '^(%d+):(%d):(%d+)$')
  return tonumber(seq), open == '1', tonumber(touched)
end

local function hold_value(seq, open, touched)
  return string.format('%d:%s:%d', seq, open and '1' or '0', touched)
end

-- Removes personal messages nobody needs any more: at or below the queue's ack and every node's
-- cursor (taken), and below every hold of the resend window. With now (unix ms), closed holds older
-- than age (ms) expire and the window keeps at most len taken messages. Returns the taken mark, and
-- the lowest hold (nil when no connection holds the window).
local function trim_delivered(mq, mz, now, age, len)
  local fields = redis.call('HGETALL', mq)
  local low = tonumber(redis.call('HGET', mq, 'ack') or '0')
  local held = nil
  for i = 1, #fields, 2 do
    local kind = string.sub(fields[i], 1, 2)
    if kind == 'c:' then
      local v = tonumber(fields[i + 1])
      if v < low then
        low = v
      end
    elseif kind == 'h:' then
      local seq, open, touched = parse_hold(fields[i + 1])
      if not seq or (now and not open and touched + age <= now) then
        redis.call('HDEL', mq, fields[i])
      elseif not held or seq < held then
        held = seq
      end
    end
  end
  local cut = low
  if held and held < cut then
    cut = held
  end
  if cut > 0 then
    redis.call('ZREMRANGEBYSCORE', mz, '-inf', cut)
  end
  if held and len then
    local kept = redis.call('ZCOUNT', mz, '-inf', low)
    if kept > len then
      redis.call('ZREMRANGEBYRANK', mz, 0, kept - len - 1)
    end
  end
  return low, held
end

-- Closes a connection's hold (if it has one): the window keeps its part for age from now.
local function close_hold(mq, connection, now)
  local field = 'h:' .. connection
  local v = redis.call('HGET', mq, field)
  if v then
    local seq = parse_hold(v)
    if seq then
      redis.call('HSET', mq, field, hold_value(seq, false, now))
    end
  end
end

-- The seq of a queue entry (its first field).
local function entry_seq(entry)
  local c = string.find(entry, ':', 1, true)
  local n = tonumber(string.sub(entry, 1, c - 1))
  return tonumber(string.sub(entry, c + 1, c + n))
end

