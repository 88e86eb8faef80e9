-- Append a stage's outputs and acknowledge its input in one atomic step (redrive.lua is prepended).
--
-- KEYS[1]  input stream     KEYS[2]  guard hash     KEYS[3]  parked hash     KEYS[4]  dead-letter stream
-- KEYS[5]  order key of the subject at this stage (unused without a subject)
-- KEYS[6..] output streams (referenced by index from ARGV)
-- ARGV[1]  consumer group   ARGV[2]  input entry id   ARGV[3]  guard field   ARGV[4]  guard token
-- ARGV[5]  subject ('' if none)   ARGV[6]  stage   ARGV[7]  time (RFC 3339)
-- ARGV[8]  seconds to keep the order key
-- ARGV[9]  n: number of primary outputs, then n pairs (key index, event json),
--          then the alternative outputs as pairs up to the end.
--
-- A subject parked behind a dead letter, or held behind an entry being retried
-- ('holding:<entry id>', see hold.lua), holds back its later entries: the entry
-- moves to the dead-letter stream (status 'parked', with its event) and is
-- acknowledged, in this same step, so a concurrent retry cannot strand it. Returns 3.
-- The held entry itself commits normally, then releases its article and re-drives
-- what was parked behind it, in order.
-- Otherwise the guard makes the commit idempotent: the first commit for a field
-- stores its token and appends the primary outputs; a commit with the same token
-- (a redelivery) appends nothing; a commit with another token (an exact
-- duplicate submission) appends the alternative outputs instead, once per token.
-- Returns 1 (new), 0 (already done), 2 (alternative), 3 (parked) or 4 (reasserted, below).
--
-- Order: two consumers of a scaled stage may work on two entries of one article at once (an
-- original and its correction) and commit them in either order. A primary commit records its
-- entry id, guard field and output ids in the order key. When an older entry's primary commit
-- comes after a newer one's, its outputs are appended and then the newer entry's outputs are
-- appended again (same events, same ids), so in every stream the article's newest facts come last.
-- Downstream, that repeated input is already done; it is 'reasserted': its outputs are appended
-- again if another input's facts came last in between, so the order carries through every stage.
local held = ARGV[5] ~= '' and redis.call('HGET', KEYS[3], ARGV[5])
local release = held and held == 'holding:' .. ARGV[2]
if held and not release then
  if ARGV[2] ~= '' then
    local original = entry_copy(KEYS[1], ARGV[2])
    local letter = {'stage', ARGV[6], 'status', 'parked', 'reason', 'parked',
      'error', 'waits behind an earlier dead letter', 'attempts', 0, 'time', ARGV[7],
      'entry_id', ARGV[2], 'subject', ARGV[5], 'event', letter_field(original, 'entry:event')}
    for _, x in ipairs(original) do letter[#letter + 1] = x end
    redis.call('XADD', KEYS[4], '*', unpack(letter))
    redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
  end
  return 3
end
local prev = redis.call('HGET', KEYS[2], ARGV[3])
local status
local first, last
local n = tonumber(ARGV[9])
if not prev then
  redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
  status = 1
  first, last = 10, 9 + 2 * n
elseif prev == ARGV[4] then
  status = 0
  first, last = 1, 0
elseif redis.call('HSETNX', KEYS[2], ARGV[3] .. '|' .. ARGV[4], 1) == 1 then
  status = 2
  first, last = 10 + 2 * n, #ARGV
else
  -- This duplicate's notice is already appended: the entry was reclaimed while its first
  -- consumer was still working on it, and both commit it.
  status = 0
  first, last = 1, 0
end
-- The order key: '<entry id>|<guard field>|<stream>|<output id>|...' of the last entry whose
-- outputs are the article's newest at this stage.
local ordered = ARGV[5] ~= '' and ARGV[2] ~= ''
local prior = {}
if ordered then
  local value = redis.call('GET', KEYS[5])
  if value then
    for part in string.gmatch(value, '[^|]+') do prior[#prior + 1] = part end
  end
end
local function older(a, b)
  local ams, aseq = string.match(a, '^(%d+)-(%d+)$')
  local bms, bseq = string.match(b, '^(%d+)-(%d+)$')
  ams, aseq, bms, bseq = tonumber(ams), tonumber(aseq), tonumber(bms), tonumber(bseq)
  return ams < bms or (ams == bms and aseq < bseq)
end
local late = ordered and status == 1 and prior[1] ~= nil and older(ARGV[2], prior[1])
local newer = ordered and prior[1] ~= nil and older(prior[1], ARGV[2])
if status == 0 and newer and prior[2] ~= ARGV[3] then
  -- A newer entry of an input already turned into facts (an input appended again to restore its
  -- order upstream), while another input's facts came last here: its facts come last again.
  status = 4
  first, last = 10, 9 + 2 * n
end
local appended = {}
for i = first, last, 2 do
  local key = KEYS[5 + tonumber(ARGV[i])]
  appended[#appended + 1] = key
  appended[#appended + 1] = redis.call('XADD', key, '*', 'event', ARGV[i + 1])
end
if late then
  for i = 3, #prior, 2 do
    local rows = redis.call('XRANGE', prior[i], prior[i + 1], prior[i + 1])
    if rows[1] then redis.call('XADD', prior[i], '*', unpack(rows[1][2])) end
  end
elseif ordered and (status == 1 or status == 4) then
  redis.call('SET', KEYS[5], ARGV[2] .. '|' .. ARGV[3] .. '|' .. table.concat(appended, '|'), 'EX', ARGV[8])
elseif ordered and status == 0 and newer then
  -- The same input again, later in the stream: its facts are still the newest; remember the position.
  prior[1] = ARGV[2]
  redis.call('SET', KEYS[5], table.concat(prior, '|'), 'EX', ARGV[8])
end
if ARGV[2] ~= '' then
  redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
end
if release then
  redis.call('HDEL', KEYS[3], ARGV[5])
  redrive_parked(KEYS[1], KEYS[4], ARGV[5])
end
return status
