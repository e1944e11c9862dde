-- Deletes log entries by id from one pipe's log.
-- KEYS: 1 log.  ARGV: the ids.  Returns the number removed.
local wanted = {}
for i = 1, #ARGV do
  wanted[ARGV[i]] = true
end
local removed = 0
for _, entry in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  if wanted[unns(entry)[1]] then
    removed = removed + redis.call('LREM', KEYS[1], 0, entry)
  end
end
return removed
