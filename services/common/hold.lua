-- Hold an article behind an entry that failed and will be retried.
--
-- KEYS[1] input stream   KEYS[2] parked hash
-- ARGV[1] group   ARGV[2] the failed entry's id   ARGV[3] subject
-- Only while the entry is still pending: if another consumer has meanwhile committed it
-- (its commit acknowledges it atomically), there is nothing to wait for. The commit of the
-- held entry itself releases the article and re-drives what was parked behind it.
if #redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1) == 0 then
  return 0
end
return redis.call('HSETNX', KEYS[2], ARGV[3], 'holding:' .. ARGV[2])
