--[[
  Counts one header task of a chord, at most once per task id, and names the one call that
  completed the chord.

  Phase 1: the chord must exist (its members hash holds the total).
  Phase 2: a task id already in the hash is a duplicate delivery and is not counted again. It
           answers isLast = 1 only when it is a resend of the very call that completed the chord
           (same task id and same call token): ioredis resends in-flight commands after a
           reconnect, and the caller whose first reply was lost must still learn it was last.
  Phase 3: a new task id is counted with INCR on the spec's counter key, so existing readers of
           that key keep working. A distinct id arriving once the chord is full is not counted.
  Phase 4: the call that brings the count to total records itself as the finisher.

  Input:
    KEYS[1] counter (string, integer)
    KEYS[2] members (hash: ' total' -> total, task id -> '1', ' finisher' -> '<task id> <token>')
    ARGV[1] task id (never contains a space, so it cannot collide with ' total' or ' finisher')
    ARGV[2] call token, unique per chordCompleteTask call

  Output:
    { completed, total, isLast (0|1), counted (0|1) }
    error 'CHORDLAB_NotFound …' when the chord does not exist
]]
local total = tonumber(redis.call('HGET', KEYS[2], ' total'))
if not total then return redis.error_reply('CHORDLAB_NotFound chord does not exist') end

local call = ARGV[1] .. ' ' .. ARGV[2]
if redis.call('HSETNX', KEYS[2], ARGV[1], '1') == 0 then
  local completed = tonumber(redis.call('GET', KEYS[1])) or 0
  local isLast = redis.call('HGET', KEYS[2], ' finisher') == call and 1 or 0
  return { completed, total, isLast, 0 }
end

local completed = redis.call('INCR', KEYS[1])
if completed > total then
  redis.call('DECR', KEYS[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  return { total, total, 0, 0 }
end
if completed == total then
  redis.call('HSET', KEYS[2], ' finisher', call)
  return { completed, total, 1, 1 }
end
return { completed, total, 0, 1 }
