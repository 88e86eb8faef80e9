-- Append a stage's outputs and acknowledge its input in one atomic step.
--
-- KEYS[1]  input stream          KEYS[2]  guard hash        KEYS[3]  parked hash
-- KEYS[4..] output streams (referenced by index from ARGV)
-- ARGV[1]  consumer group        ARGV[2]  input entry id
-- ARGV[3]  guard field           ARGV[4]  guard token       ARGV[5]  subject ('' if none)
-- ARGV[6]  n: number of primary outputs, then n pairs (key index, event json),
--          then the alternative outputs as pairs up to the end.
--
-- A subject parked in the dead-letter queue holds back its later entries: the
-- script then changes nothing and returns 3, and the caller parks the entry.
-- Otherwise the guard makes the commit idempotent: the first commit for a field
-- stores its token and appends the primary outputs; a commit with the same token
-- (a redelivery) appends nothing; a commit with another token (an exact
-- duplicate submission) appends the alternative outputs instead, once per token.
-- Returns 1 (new), 0 (already done), 2 (alternative) or 3 (parked).
if ARGV[5] ~= '' and redis.call('HEXISTS', KEYS[3], ARGV[5]) == 1 then
  return 3
end
local prev = redis.call('HGET', KEYS[2], ARGV[3])
local status
local first, last
local n = tonumber(ARGV[6])
if not prev then
  redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
  status = 1
  first, last = 7, 6 + 2 * n
elseif prev == ARGV[4] then
  status = 0
  first, last = 1, 0
elseif redis.call('HSETNX', KEYS[2], ARGV[3] .. '|' .. ARGV[4], 1) == 1 then
  status = 2
  first, last = 7 + 2 * n, #ARGV
else
  -- This duplicate's notice is already appended: the entry was reclaimed while its first
  -- consumer was still working on it, and both commit it.
  status = 0
  first, last = 1, 0
end
for i = first, last, 2 do
  redis.call('XADD', KEYS[3 + tonumber(ARGV[i])], '*', 'event', ARGV[i + 1])
end
if ARGV[2] ~= '' then
  redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
end
return status
