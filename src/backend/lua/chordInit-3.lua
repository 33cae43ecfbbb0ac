--[[
  Creates a chord's keys in one step, or confirms an identical chord that already exists.
  A second init of the same chord (a client resending after a reset, a producer retrying) must
  not reset its counter, so an existing chord is left as it is.

  Input:
    KEYS[1] chord state (string, JSON)
    KEYS[2] counter (string, integer)
    KEYS[3] members (hash: ' total' -> total, one field per counted task id, ' finisher' -> call)
    ARGV[1] state JSON
    ARGV[2] total
    ARGV[3] TTL in milliseconds, '0' for none

  Output:
    1 when created, 0 when an identical chord already existed
    error 'CHORDLAB_InvalidInput …' when a chord with that id exists with another total
]]
local existingTotal = redis.call('HGET', KEYS[3], ' total')
if existingTotal then
  if existingTotal == ARGV[2] then return 0 end
  return redis.error_reply('CHORDLAB_InvalidInput chord already exists with total ' .. existingTotal)
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.error_reply('CHORDLAB_InvalidInput chord state exists but was not created by chordlab')
end

local ttl = tonumber(ARGV[3])
if ttl > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
  redis.call('SET', KEYS[2], 0, 'PX', ttl)
else
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('SET', KEYS[2], 0)
end
redis.call('HSET', KEYS[3], ' total', ARGV[2])
if ttl > 0 then redis.call('PEXPIRE', KEYS[3], ttl) end
return 1
