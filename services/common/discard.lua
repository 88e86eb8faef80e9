-- Discard a dead letter: remove it, record the discard in the log, and release what it held back.
--
-- KEYS[1] input stream   KEYS[2] dead-letter stream   KEYS[3] parked hash   KEYS[4] stream of the
-- discard event
-- ARGV[1] dead-letter id   ARGV[2] subject ('' if none)   ARGV[3] the article.discarded event (JSON)
-- Returns -1 if there is no such letter (another discard or a retry took it), else how many
-- entries parked behind it were re-driven, in order, into the input stream.
if redis.call('XDEL', KEYS[2], ARGV[1]) == 0 then
  return -1
end
redis.call('XADD', KEYS[4], '*', 'event', ARGV[3])
if ARGV[2] == '' or redis.call('HGET', KEYS[3], ARGV[2]) ~= ARGV[1] then
  return 0
end
redis.call('HDEL', KEYS[3], ARGV[2])
return redrive_parked(KEYS[1], KEYS[2], ARGV[2])
