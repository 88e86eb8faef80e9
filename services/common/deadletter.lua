-- Move one input entry to the dead-letter stream and acknowledge it, atomically.
--
-- KEYS[1] input stream   KEYS[2] dead-letter stream   KEYS[3] parked hash
-- ARGV[1] group  ARGV[2] input entry id  ARGV[3] subject ('' if none)  ARGV[4] status ('dead' or 'parked')
-- ARGV[5..] field/value pairs of the dead-letter entry; the input entry's own fields follow as
-- 'entry:<name>' (redrive.lua), so a retry re-drives exactly that entry.
-- A dead entry parks its subject, so that the subject's later entries wait behind it.
local fields = {unpack(ARGV, 5)}
if ARGV[2] ~= '' then
  for _, x in ipairs(entry_copy(KEYS[1], ARGV[2])) do fields[#fields + 1] = x end
end
local id = redis.call('XADD', KEYS[2], '*', unpack(fields))
if ARGV[3] ~= '' and ARGV[4] == 'dead' then
  -- An article held behind this very entry while it was retried is now parked behind its letter.
  if redis.call('HGET', KEYS[3], ARGV[3]) == 'holding:' .. ARGV[2] then
    redis.call('HSET', KEYS[3], ARGV[3], id)
  else
    redis.call('HSETNX', KEYS[3], ARGV[3], id)
  end
end
if ARGV[2] ~= '' then
  redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
end
return id
