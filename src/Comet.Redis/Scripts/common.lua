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

-- Removes personal messages that every interested reader has taken: at or below the queue's ack
-- and every node's cursor.
local function trim_delivered(mq, mz)
  local fields = redis.call('HGETALL', mq)
  local low = tonumber(redis.call('HGET', mq, 'ack') or '0')
  for i = 1, #fields, 2 do
    if string.sub(fields[i], 1, 2) == 'c:' then
      local v = tonumber(fields[i + 1])
      if v < low then
        low = v
      end
    end
  end
  if low > 0 then
    redis.call('ZREMRANGEBYSCORE', mz, '-inf', low)
  end
end

-- The seq of a queue entry (its first field).
local function entry_seq(entry)
  local c = string.find(entry, ':', 1, true)
  local n = tonumber(string.sub(entry, 1, c - 1))
  return tonumber(string.sub(entry, c + 1, c + n))
end

