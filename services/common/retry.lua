-- Re-drive dead letters: append their original entries to the input stream in order, remove them
-- from the dead-letter stream and release the parked subject, atomically.
--
-- KEYS[1] input stream   KEYS[2] dead-letter stream   KEYS[3] parked hash
-- ARGV[1] subject ('' if none), then the dead-letter ids, oldest first.
-- Only letters this call removes are re-driven, so two retries racing re-drive each letter once.
local moved = 0
for i = 2, #ARGV do
  local rows = redis.call('XRANGE', KEYS[2], ARGV[i], ARGV[i])
  if rows[1] and redis.call('XDEL', KEYS[2], ARGV[i]) == 1 then
    redis.call('XADD', KEYS[1], '*', unpack(original_fields(rows[1][2])))
    moved = moved + 1
  end
end
if ARGV[1] ~= '' then
  redis.call('HDEL', KEYS[3], ARGV[1])
end
return moved
