-- Removes a dead node's connections from a pipe's subscribers; on track_ pipes, announces each.
-- KEYS: 1 subscribers.  ARGV: 1 dead registration id, 2 '1' to announce, 3 channel, 4 now (unix s),
-- 5 PUBLISH or SPUBLISH
-- A record is ns(node) ns(user id) ns(uuid) ns(user agent) ns(ip) ns(origin) ns(language) ns(member JSON).
local entries = redis.call('HGETALL', KEYS[1])
local removed = 0
for i = 1, #entries, 2 do
  local record = unns(entries[i + 1])
  if record[1] == ARGV[1] then
    redis.call('HDEL', KEYS[1], entries[i])
    removed = removed + 1
    if ARGV[2] == '1' then
      redis.call(ARGV[5], ARGV[3], bus_message('unsubscription', record[8], 'j', '', ARGV[4], entries[i]))
    end
  end
end
return removed
