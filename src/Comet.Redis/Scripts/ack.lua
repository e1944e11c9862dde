-- A connection that acknowledges processed every personal message of its user up to a seq: its hold
-- of the resend window moves up to it (only forward), and what no hold needs any more goes.
-- KEYS: 1 queue state, 2 queue entries
-- ARGV: 1 connection id, 2 seq, 3 now (unix ms), 4 window age ms, 5 window length
-- Returns 1, or 0 when the seq is beyond the user's latest message.
local seq = tonumber(ARGV[2])
if seq > tonumber(redis.call('HGET', KEYS[1], 'seq') or '0') then
  return 0
end
local field = 'h:' .. ARGV[1]
local v = redis.call('HGET', KEYS[1], field)
if v then
  local held, open = parse_hold(v)
  if held and seq > held then
    redis.call('HSET', KEYS[1], field, hold_value(seq, open, tonumber(ARGV[3])))
  end
end
trim_delivered(KEYS[1], KEYS[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]))
return 1
